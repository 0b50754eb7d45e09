/*
 * Copyright 2026 The tribuo-locallip authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.locallip.spark;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine for tests: a Master and Workers, each its own JVM
 * started with {@code java -cp 'SPARK_HOME/jars/*'} (a stand-in {@code SPARK_HOME} whose
 * {@code jars/} links the test class path's jars, as a distribution's folder holds Spark's), on
 * 127.0.0.1 with free ports. {@link #close()} stops every process it started, the executors the
 * Workers started included, and waits for them; should the test JVM exit without it, a shutdown
 * hook kills them.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final long START_SECONDS = 90;

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final List<Integer> workerUiPorts = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private int masterPort;
    private int masterUiPort;

    /** Kills what is still running if the test JVM exits without {@link #close()} (a Surefire timeout, say). */
    private final Thread reaper = new Thread(this::kill, "standalone-cluster-reaper");

    private StandaloneCluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** SIGKILL to every process started here and its descendants, without waiting. */
    private void kill() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * Starts a Master and Workers of 1 core each, and waits until every Worker has registered.
     *
     * @param dir a folder for SPARK_HOME, logs and work folders.
     * @param workers how many Workers.
     * @return the running cluster.
     * @throws IllegalStateException if it does not start in 90 s (with the processes' logs' ends).
     */
    static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            c.launch(workers);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void launch(int workers) throws IOException, InterruptedException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        Path own = TestJvms.mainClasses().toAbsolutePath();
        for (Path e : TestJvms.classPath()) {
            if (e.getFileName().toString().endsWith(".jar") && !Files.exists(jars.resolve(e.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(e.getFileName()), e.toAbsolutePath());
            } else if (Files.isDirectory(e) && !e.toAbsolutePath().startsWith(own.getParent())) {
                // a reactor build puts the project's other modules on the class path as class folders
                // (e.g. onnx-export/target/classes): the cluster gets them as jars, as installed ones
                Path module = e.toAbsolutePath().getParent().getParent();
                TestJvms.jar(e, jars.resolve(module.getFileName() + "-classes.jar"));
            }
        }
        String classPath = jars + "/*";
        masterPort = freePort();
        masterUiPort = freePort();
        start("master", TestJvms.java("-Xmx256m", "-cp", classPath, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)),
                home);
        waitFor(() -> masterJson() != null, "the Master to answer on port " + masterUiPort);
        for (int w = 0; w < workers; w++) {
            int ui = freePort();
            Path work = Files.createDirectories(dir.resolve("work-" + w));
            workerUiPorts.add(ui);
            workDirs.add(work);
            start("worker-" + w, TestJvms.java("-Xmx256m", "-cp", classPath, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(ui),
                    "--work-dir", work.toString(), masterUrl()), home);
        }
        waitFor(() -> {
            JsonObject m = masterJson();
            return m != null && m.get("aliveworkers").getAsInt() == workers;
        }, workers + " Workers to register with the Master");
    }

    private void start(String name, List<String> command, Path home) throws IOException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        // the launcher's (Worker's) executor command needs it without a distribution's build folders
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local")).toString());
        env.remove("SPARK_CONF_DIR");
        processes.add(pb.start());
        logs.add(log);
    }

    /** Polls a condition every 250 ms; fails with the logs' ends if it does not hold in time or a process died. */
    private void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!condition.getAsBoolean()) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    throw new IllegalStateException("the cluster did not start: " + logs.get(i).getFileName()
                            + " exited with " + processes.get(i).exitValue() + " while waiting for " + what + "\n" + tails());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster did not start: no " + what + " in " + START_SECONDS + " s\n"
                        + tails());
            }
            Thread.sleep(250);
        }
    }

    /** The last lines of every log, for failure messages. */
    String tails() {
        StringBuilder s = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                s.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> s.append(l).append('\n'));
            } catch (IOException e) {
                s.append("--- ").append(log.getFileName()).append(": ").append(e).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * The Master's URL for a driver.
     *
     * @return {@code spark://127.0.0.1:PORT}.
     */
    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /**
     * The Master's state ({@code /json/} of its web UI), or null if it does not answer.
     *
     * @return the JSON.
     */
    JsonObject masterJson() {
        return json(masterUiPort);
    }

    /**
     * A Worker's state ({@code /json/} of its web UI), or null if it does not answer.
     *
     * @param worker its index.
     * @return the JSON: its executors, finished executors, ...
     */
    JsonObject workerJson(int worker) {
        return json(workerUiPorts.get(worker));
    }

    /**
     * The standard error files of a Worker's executors of an application.
     *
     * @param worker its index.
     * @param appId the application.
     * @return {@code WORK/APP/EXECUTOR/stderr} of each executor, keyed by executor id.
     * @throws IOException if the folder cannot be listed.
     */
    Map<String, Path> executorLogs(int worker, String appId) throws IOException {
        Path app = workDirs.get(worker).resolve(appId);
        if (!Files.isDirectory(app)) {
            return Map.of();
        }
        try (Stream<Path> s = Files.list(app)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("stderr")))
                    .collect(java.util.stream.Collectors.toMap(p -> p.getFileName().toString(), p -> p.resolve("stderr")));
        }
    }

    private static JsonObject json(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/json/").toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (InputStream in = c.getInputStream()) {
                return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            } finally {
                c.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * Stops the Workers (then any executor still running under them) and the Master, and waits for
     * each: SIGTERM, 20 s, then SIGKILL.
     *
     * @throws IllegalStateException if a process is still alive after that.
     */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        for (ProcessHandle h : all) {
            h.destroy();
        }
        List<String> alive = new ArrayList<>();
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception again) {
                    alive.add(String.valueOf(h.pid()));
                }
            }
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("processes still alive after SIGKILL: " + alive);
        }
    }

    /**
     * Every process started here, and their descendants, that still run.
     *
     * @return their pids (empty after {@link #close()}).
     */
    List<Long> running() {
        List<Long> out = new ArrayList<>();
        for (Process p : processes) {
            if (p.isAlive()) {
                out.add(p.pid());
            }
            p.descendants().filter(ProcessHandle::isAlive).forEach(h -> out.add(h.pid()));
        }
        return out;
    }
}

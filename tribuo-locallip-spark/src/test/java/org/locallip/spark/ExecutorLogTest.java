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

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's {@code java.util.logging} records from Spark's task threads reach Spark's log
 * (log4j2, in the logger context Spark configured), which needs {@link SparkLogBridge}: a Spark 4
 * SQL task runs with its session's class loader as context class loader, and without the bridge
 * the records land in an unconfigured log4j2 context and are lost. The test opens the certifier
 * in a task (as a fresh executor does) on CUDA: an INFO record ("opened the certifier graph") and
 * a WARNING (a SOUND graph certifies on the CPU) must both reach an appender of Spark's context.
 */
class ExecutorLogTest {

    /** Events an appender received: level, logger, thread, message. */
    private static final class Captured extends AbstractAppender {

        final List<String> events = new CopyOnWriteArrayList<>();

        Captured() {
            super("locallip-test-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent e) {
            events.add(e.getLevel() + " " + e.getLoggerName() + " [" + e.getThreadName() + "] "
                    + e.getMessage().getFormattedMessage());
        }
    }

    @Test
    void recordsFromTaskThreadsReachSparksLog() throws Exception {
        SparkSession spark = DigitFrames.session("local[2]");
        // the logger context Spark configured (from log4j2-test.properties here, Spark's defaults under spark-submit)
        LoggerContext context = (LoggerContext) LogManager.getContext(SparkSession.class.getClassLoader(), false);
        Configuration config = context.getConfiguration();
        Captured captured = new Captured();
        captured.start();
        config.addAppender(captured);
        LoggerConfig project = new LoggerConfig("org.locallip", Level.INFO, false);
        project.addAppender(captured, Level.INFO, null);
        config.addLogger("org.locallip", project);
        context.updateLoggers();
        try {
            Path graph = TinyCertifiers.graph(Guarantee.SOUND);
            var certified = SparkCertifier.certify(DigitFrames.floats(spark, SampleDigits.test(40),
                    org.locallip.data.ImageLayout.idxGrey(28, 28), 2), graph, 0.1,
                    SparkCertifyOptions.defaults().withDevice(OnnxCertifier.Device.CUDA));
            ExecutorCertifiers.closeAll(); // as in a fresh executor: the task opens the certifier
            certified.collectAsList();
        } finally {
            config.removeLogger("org.locallip");
            config.getRootLogger().removeAppender(captured.getName());
            context.updateLoggers();
            captured.stop();
            spark.stop();
        }
        List<String> fromTasks = captured.events.stream().filter(e -> e.contains("[Executor task launch worker")).toList();
        assertTrue(fromTasks.stream().anyMatch(e -> e.startsWith("INFO org.locallip.spark.ExecutorCertifiers [")
                && e.contains("opened the certifier graph")), "the INFO record from a task (bridge on org.locallip: "
                + SparkLogBridge.installed() + "): " + captured.events);
        assertTrue(fromTasks.stream().anyMatch(e -> e.startsWith("WARN org.locallip.onnx.certifier.OnnxCertifier [")
                && e.contains("certifying on the CPU")), "the WARNING from a task: " + captured.events);
    }
}

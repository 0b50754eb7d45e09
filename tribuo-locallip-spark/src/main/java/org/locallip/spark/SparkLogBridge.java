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

import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the project's {@code java.util.logging} records to Spark's log (SLF4J, log4j2 in Spark's
 * distribution) from every thread of a Spark JVM, the executors' task threads included.
 *
 * <p>Spark installs jul-to-slf4j's {@link SLF4JBridgeHandler} on the root JUL logger in every JVM
 * it starts. That is not enough on Spark 4: log4j2 picks a logger context by the class that asks
 * for the logger, the first on the stack that is not SLF4J's; through the root's bridge that is
 * JUL's {@code Logger}, which has no class loader, so log4j2 falls back to the thread's context
 * class loader, and a SQL task runs with its session's {@code ExecutorClassLoader} (no parent) as
 * context class loader: log4j2 makes a new, unconfigured context for it (errors only, to the
 * console) instead of using the one Spark configured. The project's records from tasks (such as
 * {@code opened the certifier graph} or the CUDA fallback warning) were lost that way.
 *
 * <p>{@link #install()} (from {@link ExecutorCertifiers}, whenever a task asks for its certifier)
 * adds this handler to the {@code org.locallip} logger and stops the records there (no second copy
 * through the root's bridge). It hands each record to an SLF4JBridgeHandler itself, so that log4j2
 * sees this class, loaded by the application's class loader (a child of the one that loaded Spark
 * and log4j2), as the caller, with the context class loader set to the one that loaded SLF4J: either
 * way log4j2 finds the context Spark configured. It does nothing where JUL is not bridged to SLF4J
 * (jul-to-slf4j absent, or its handler removed to route Spark's logs to JUL): the records then go
 * where JUL sends them.
 */
final class SparkLogBridge extends Handler {

    /** The project's root logger, held so that its handler stays (JUL keeps loggers weakly). */
    private static Logger project;

    private final SLF4JBridgeHandler bridge = new SLF4JBridgeHandler();
    private final ClassLoader slf4j = SLF4JBridgeHandler.class.getClassLoader();

    private SparkLogBridge() {}

    /**
     * Installs the handler on {@code org.locallip} if JUL is bridged to SLF4J and it is not there
     * yet (cheap: called once a partition, it also puts the handler back after a JUL reset).
     *
     * @return whether the project's records now go to SLF4J through this handler.
     */
    static synchronized boolean install() {
        try {
            Class.forName("org.slf4j.bridge.SLF4JBridgeHandler", false, SparkLogBridge.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            return false;
        }
        Logger logger = Logger.getLogger("org.locallip");
        for (Handler h : logger.getHandlers()) {
            if (h.getClass().getName().equals(SparkLogBridge.class.getName())) {
                return true;
            }
        }
        logger.addHandler(new SparkLogBridge());
        logger.setUseParentHandlers(false);
        project = logger;
        return true;
    }

    /**
     * Whether the project's records go through this handler in this JVM.
     *
     * @return true if it is on {@code org.locallip}.
     */
    static boolean installed() {
        for (Handler h : Logger.getLogger("org.locallip").getHandlers()) {
            if (h.getClass().getName().equals(SparkLogBridge.class.getName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void publish(LogRecord record) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        if (before == slf4j) {
            bridge.publish(record);
            return;
        }
        thread.setContextClassLoader(slf4j);
        try {
            bridge.publish(record);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Override
    public void flush() {
        // SLF4J has nothing to flush
    }

    @Override
    public void close() {
        // nothing held
    }
}

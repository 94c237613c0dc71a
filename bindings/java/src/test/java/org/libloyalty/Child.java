/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a child JVM (the same java) and collects its output. */
final class Child {
    final int exitCode;
    final String output;

    private Child(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    /** The classes under test and the test classes, without JUnit (surefire says where). */
    static String testClasspath() {
        return System.getProperty("loyalty.test.classpath", System.getProperty("java.class.path"));
    }

    /** The main classes only (target/classes: the library as the jar has it). */
    static String mainClasspath() {
        return testClasspath().split(java.io.File.pathSeparator)[0];
    }

    static Path repoRoot() {
        return Paths.get(System.getProperty("loyalty.test.repo.root", "../..")).toAbsolutePath().normalize();
    }

    static Child run(List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new IllegalStateException("child JVM timed out: " + cmd);
        }
        return new Child(proc.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ":\n" + output;
    }
}

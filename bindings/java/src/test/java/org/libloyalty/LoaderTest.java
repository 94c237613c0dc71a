/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNI library loads itself (org.libloyalty.swig.NativeLibrary):
 * System.loadLibrary first, else the copy bundled as a resource, extracted
 * into java.io.tmpdir or the override directory, and removed once loaded.
 */
class LoaderTest {
    private static String nativeDir() {
        return System.getProperty("loyalty.test.native.dir");
    }

    @Test
    void thisJvmLoadedTheBundledCopy() {
        assertTrue(org.libloyalty.swig.NativeLibrary.source().startsWith("bundled:/org/libloyalty/native/linux-x86_64/"),
                org.libloyalty.swig.NativeLibrary.source());
        assertEquals("linux-x86_64", org.libloyalty.swig.NativeLibrary.platform());
    }

    @Test
    void extractsIntoTheOverrideDirectoryAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("not-noexec");
        Child child = Child.run(List.of("-Dorg.libloyalty.native.dir=" + target, "-Djava.io.tmpdir=/nonexistent",
                "-cp", Child.mainClasspath(), "org.libloyalty.Loyalty"), 60);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("JNI library bundled:"), child.toString());
        try (Stream<Path> left = Files.list(target)) {
            assertEquals(List.of(), left.toList(), "the extracted copy is deleted once loaded");
        }
    }

    @Test
    void aLibraryOnTheLibraryPathWins() throws Exception {
        Child child = Child.run(List.of("-Djava.library.path=" + nativeDir(), "-cp", Child.mainClasspath(),
                "org.libloyalty.Loyalty"), 60);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("JNI library system"), child.toString());
    }

    @Test
    void anExplicitPathWinsOverBoth() throws Exception {
        Path lib = Paths.get(nativeDir(), "libloyalty_jni.so");
        Child child = Child.run(List.of("-Dorg.libloyalty.native.path=" + lib, "-cp", Child.mainClasspath(),
                "org.libloyalty.Loyalty"), 60);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("JNI library path:" + lib), child.toString());
    }

    @Test
    void aFailureSaysWhatWasTried(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Child child = Child.run(List.of("-Dorg.libloyalty.native.dir=" + file, "-cp", Child.mainClasspath(),
                "org.libloyalty.Loyalty"), 60);
        assertTrue(child.exitCode != 0, child.toString());
        assertTrue(child.output.contains("UnsatisfiedLinkError"), child.toString());
        assertTrue(child.output.contains("cannot load the JNI library"), child.toString());
    }
}

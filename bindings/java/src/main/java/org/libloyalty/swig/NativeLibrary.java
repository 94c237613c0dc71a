/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.swig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libloyalty_jni, the JNI library, once (OR-tools' Loader):
 *
 * <ol>
 *   <li>{@code System.loadLibrary("loyalty_jni")}: a library installed on
 *       {@code java.library.path} wins;
 *   <li>else the copy inside the jar,
 *       {@code org/libloyalty/native/<os>-<arch>/libloyalty_jni.so}, is
 *       extracted into a new private directory and loaded from there. The
 *       directory is made under the system property
 *       {@value #DIR_PROPERTY} when it is set (for hosts whose
 *       {@code java.io.tmpdir} is mounted {@code noexec}), else under
 *       {@code java.io.tmpdir}. The file is deleted as soon as it is loaded
 *       (the mapping stays valid), so nothing is left behind.
 * </ol>
 *
 * <p>The system property {@value #PATH_PROPERTY} names a library file to
 * load instead of both.
 *
 * <p>Internal: the JNI class calls {@link #load()} in its static
 * initializer, so the library is loaded before the first native call,
 * whichever class is used first.
 */
public final class NativeLibrary {
    /** A directory to extract the bundled library into, instead of {@code java.io.tmpdir}. */
    public static final String DIR_PROPERTY = "org.libloyalty.native.dir";
    /** A library file to load instead of searching. */
    public static final String PATH_PROPERTY = "org.libloyalty.native.path";

    static final String NAME = "loyalty_jni";

    private static boolean loaded;
    private static String source = "";

    private NativeLibrary() {}

    /** How the library was loaded: "path:FILE", "system", or "bundled:RESOURCE". */
    public static synchronized String source() {
        return source;
    }

    /** The platform directory in the jar, e.g. "linux-x86_64". */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            arch = "aarch64";
        }
        return os + "-" + arch;
    }

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String path = System.getProperty(PATH_PROPERTY);
        if (path != null && !path.isEmpty()) {
            System.load(Paths.get(path).toAbsolutePath().toString());
            source = "path:" + path;
            loaded = true;
            return;
        }
        UnsatisfiedLinkError system;
        try {
            System.loadLibrary(NAME);
            source = "system";
            loaded = true;
            return;
        } catch (UnsatisfiedLinkError e) {
            system = e;
        }
        String resource = "/org/libloyalty/native/" + platform() + "/" + System.mapLibraryName(NAME);
        try {
            loadBundled(resource);
        } catch (IOException | UnsatisfiedLinkError e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("libloyalty: cannot load the JNI library: "
                    + system.getMessage() + "; and from the jar (" + resource + "): " + e);
            error.addSuppressed(e);
            throw error;
        }
        source = "bundled:" + resource;
        loaded = true;
    }

    private static void loadBundled(String resource) throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this jar has no library for " + platform());
            }
            String dir = System.getProperty(DIR_PROPERTY);
            Path parent = Paths.get(dir != null && !dir.isEmpty() ? dir : System.getProperty("java.io.tmpdir"));
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "libloyalty-");
            Path file = tmp.resolve(System.mapLibraryName(NAME));
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                throw new UnsatisfiedLinkError(e.getMessage() + " (extracted to " + tmp
                        + "; if that file system is mounted noexec, set -D" + DIR_PROPERTY + "=<a directory>)");
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(tmp);
            }
        }
    }
}

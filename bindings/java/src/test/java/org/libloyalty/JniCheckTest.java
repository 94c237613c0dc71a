/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole binding under the JVM's JNI checks prints no warning (and every test runs with -Xcheck:jni too). */
class JniCheckTest {
    @Test
    void aWorkloadUnderXcheckJniPrintsNoWarning() throws Exception {
        Child child = Child.run(List.of("-Xcheck:jni", "-cp", Child.testClasspath(), "org.libloyalty.JniWorkload"),
                120);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("workload ok"), child.toString());
        assertFalse(child.output.contains("WARNING"), child.toString());
        assertFalse(child.output.contains("FATAL"), child.toString());
        assertEquals("workload ok", child.output.strip(), "nothing else was printed");
    }
}

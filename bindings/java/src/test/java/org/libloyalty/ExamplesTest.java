/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * examples/java reproduces examples/c: each example runs from source against
 * the library and prints what the C example prints, byte for byte (when the
 * C examples are built, as `make test` has them in build/dev), and the
 * numbers of the C examples in any case.
 */
class ExamplesTest {
    @ParameterizedTest
    @CsvSource({
        "CoffeeShop, coffee_shop, => Ana Lima earns 33 points",
        "DurableShop, durable_shop, an existing program, snapshot generation 2, 0 journal records replayed",
        "Retailer, retailer, half_even rounding adds 3/10 = 0.3 -> 3049 points",
        "LoyaltyYear, loyalty_year, next expiry  94 points on 2027-10-01",
    })
    void theJavaExamplePrintsWhatTheCExamplePrints(String name, String c, String line) throws Exception {
        Path source = Child.repoRoot().resolve("examples/java/" + name + ".java");
        Assumptions.assumeTrue(Files.exists(source), source + " not found (tests run outside the repository)");
        Child child = Child.run(List.of("-cp", Child.mainClasspath(), source.toString()), 120);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains(line), child.toString());
        Path binary = Child.repoRoot().resolve("build/dev/examples/c/" + c);
        if (Files.isExecutable(binary)) {
            Process p = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
            String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertEquals(expected, child.output);
        }
    }
}

package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the provider decides. The decision is made once per JVM, so the cases that need another
 * decision run {@link ProviderProbe} in a forked JVM of the same JDK and class path.
 */
class KernelProviderTest {
  private static final String FLAG = "--add-modules jdk.incubator.vector";

  @TempDir
  Path tmp;

  record Run(int exitCode, String out, String err) {}

  private Run probe(String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        ProviderProbe.class.getName()));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  @Test
  void thisTestJvmRunsTheSimdKernels() {
    // the build gives every test JVM the flag, so anything else here is a set-up error
    assertTrue(KernelProvider.get().isSimd(), KernelProvider.get().description());
    assertTrue(KernelProvider.simdUnavailableReason().isEmpty());
  }

  @Test
  void vectorBitsPicksTheSpecies() {
    String bits = System.getProperty("lanes.vectorBits");
    int lanes = KernelProvider.simd().floatLanes();
    if (bits != null) {
      // the surefire executions for narrower widths set this; a width wider than the CPU's
      // falls back to the preferred one, which is never narrower
      int asked = Integer.parseInt(bits) / Float.SIZE;
      assertTrue(lanes == asked || lanes < asked, "asked " + asked + " lanes, got " + lanes);
    }
    assertTrue(lanes >= 4, "lanes = " + lanes);
    assertEquals("simd (" + lanes * 32 + "-bit, " + lanes + " float lanes)",
        KernelProvider.simd().description());
  }

  @Test
  void withoutTheModuleItFallsBackToScalarWithOneWarning() throws Exception {
    Run run = probe();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("provider: scalar"), run.out());
    assertTrue(run.out().contains("exp(1) + 1 = 3.7182817"), run.out());
    assertEquals(1, occurrences(run.err(), FLAG), "exactly one warning naming the flag:\n" + run.err());
    assertTrue(run.err().contains("Lanes runs its scalar kernels"), run.err());
  }

  @Test
  void withTheModuleItRunsSimdWithoutWarning() throws Exception {
    Run run = probe("--add-modules=jdk.incubator.vector");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("provider: simd ("), run.out());
    assertFalse(run.err().contains("Lanes runs"), run.err());
  }

  @Test
  void scalarCanBeForcedQuietly() throws Exception {
    Run run = probe("--add-modules=jdk.incubator.vector", "-Dlanes.kernels=scalar");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("provider: scalar"), run.out());
    assertFalse(run.err().contains("Lanes runs"), run.err());
  }

  @Test
  void forcingSimdWithoutTheModuleFailsLoudly() throws Exception {
    Run run = probe("-Dlanes.kernels=simd");
    assertNotEquals(0, run.exitCode());
    assertTrue(run.err().contains("-Dlanes.kernels=simd, but the jdk.incubator.vector module is"
        + " not in the boot layer; add " + FLAG), run.err());
  }

  @Test
  void aBadSettingIsNamed() throws Exception {
    Run kernels = probe("-Dlanes.kernels=gpu");
    assertNotEquals(0, kernels.exitCode());
    assertTrue(kernels.err().contains("-Dlanes.kernels=gpu: expected scalar, simd or auto"),
        kernels.err());
    Run bits = probe("--add-modules=jdk.incubator.vector", "-Dlanes.vectorBits=100");
    assertNotEquals(0, bits.exitCode());
    assertTrue(bits.err().contains("-Dlanes.vectorBits=100: expected 128, 256 or 512"),
        bits.err());
  }

  @Test
  void aNarrowerWidthCanBeChosen() throws Exception {
    Run run = probe("--add-modules=jdk.incubator.vector", "-Dlanes.vectorBits=128");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("provider: simd (128-bit, 4 float lanes)"), run.out());
  }
}

package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIMD kernels give the same bits before and after the JIT compiles them. The Vector API's
 * own EXP, TANH, LOG1P and reduceLanes(ADD) do not (their Java fallback and their intrinsic round
 * differently), which would make two training runs with the same seed differ; the kernels use
 * {@code VectorMath} instead. Runs in a fresh JVM, so that the first call really is cold.
 */
class WarmUpDeterminismTest {
  @TempDir
  Path tmp;

  @Test
  void firstCallAndCompiledCallsAgreeBitForBit() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "--add-modules=jdk.incubator.vector"));
    String bits = System.getProperty("lanes.vectorBits");
    if (bits != null) {
      cmd.add("-Dlanes.vectorBits=" + bits);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        WarmUpProbe.class.getName()));
    Path out = tmp.resolve("out.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(tmp.resolve("err.txt").toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not finish");
    List<String> lines = Files.readAllLines(out);
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
    assertEquals(2, lines.size(), String.join("\n", lines));
    assertEquals(lines.get(0).substring("first ".length()), lines.get(1).substring("later ".length()),
        "kernel results changed once compiled");
  }
}

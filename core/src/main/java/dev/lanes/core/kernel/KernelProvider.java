package dev.lanes.core.kernel;

import dev.lanes.core.kernel.scalar.ScalarKernelProvider;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses, once per JVM, which implementation of every kernel family Lanes runs: the Vector API
 * one when {@code jdk.incubator.vector} is in the boot layer and the C2 compiler is present,
 * else the scalar reference, with a single warning that names the flag to add
 * ({@code --add-modules jdk.incubator.vector}).
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code lanes.kernels=scalar|simd} forces either (simd fails loudly when it cannot run);
 *   <li>{@code lanes.vectorBits=128|256|512} picks a narrower vector species than the CPU's
 *       preferred one, for testing; a wider one is refused with a warning, because the Vector
 *       API would emulate it about 100x slower.
 * </ul>
 *
 * <p>The SIMD provider is loaded by name, so no class outside {@code dev.lanes.core.kernel.simd}
 * links against the incubator module (the pattern of Lucene's {@code VectorizationProvider}).
 */
public abstract class KernelProvider {
  static final System.Logger LOG = System.getLogger("dev.lanes.core.kernel");

  private static final String SIMD_PROVIDER = "dev.lanes.core.kernel.simd.SimdKernelProvider";
  private static final String VECTOR_MODULE = "jdk.incubator.vector";

  protected KernelProvider() {}

  /** {@code "scalar"} or, for example, {@code "simd (256-bit, 8 float lanes)"}. */
  public abstract String description();

  /** Whether this provider runs Vector API kernels. */
  public abstract boolean isSimd();

  /** The float lanes of one vector: 1 for the scalar provider. */
  public abstract int floatLanes();

  public abstract ElementwiseKernels elementwise();

  public abstract ActivationKernels activations();

  public abstract ReductionKernels reductions();

  public abstract SoftmaxKernels softmax();

  public abstract PoolKernels pool();

  public abstract GemmKernel gemm();

  public abstract ConvKernels conv();

  public abstract RecurrentKernels recurrent();

  /** The provider this JVM uses, chosen on first call. */
  public static KernelProvider get() {
    return Selected.INSTANCE;
  }

  /** The scalar reference provider, always available: the oracle for tests and benchmarks. */
  public static KernelProvider scalar() {
    return ScalarKernelProvider.INSTANCE;
  }

  /**
   * The Vector API provider, whatever {@code lanes.kernels} says.
   *
   * @throws UnsupportedOperationException naming the reason when it cannot run in this JVM
   */
  public static KernelProvider simd() {
    Optional<String> reason = simdUnavailableReason();
    if (reason.isPresent()) {
      throw new UnsupportedOperationException("SIMD kernels unavailable: " + reason.get());
    }
    return SimdHolder.INSTANCE;
  }

  /** Why the SIMD kernels cannot run in this JVM, or empty when they can. */
  public static Optional<String> simdUnavailableReason() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return Optional.of("the " + VECTOR_MODULE + " module is not in the boot layer;"
          + " add --add-modules " + VECTOR_MODULE + " to the java command line");
    }
    String vmInfo = System.getProperty("java.vm.info", "");
    if (vmInfo.contains("interpreted mode")) {
      return Optional.of("the JVM runs interpreted (-Xint), so the Vector API would be boxed"
          + " and slower than scalar code");
    }
    if (vmInfo.contains("emulated-client") || c2Disabled()) {
      return Optional.of("the C2 compiler is disabled (client VM or -XX:TieredStopAtLevel < 4),"
          + " so the Vector API would not be intrinsified");
    }
    return Optional.empty();
  }

  private static boolean c2Disabled() {
    try {
      var hotspot = ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
      int stopAt = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
      return tiered && stopAt < 4;
    } catch (RuntimeException | LinkageError notHotSpot) {
      return false; // no HotSpot diagnostics: nothing says C2 is off
    }
  }

  private static final class Selected {
    static final KernelProvider INSTANCE = select();

    private static KernelProvider select() {
      String forced = System.getProperty("lanes.kernels", "auto").trim().toLowerCase(Locale.ROOT);
      switch (forced) {
        case "scalar":
          return scalar();
        case "simd":
          Optional<String> reason = simdUnavailableReason();
          if (reason.isPresent()) {
            throw new IllegalStateException("-Dlanes.kernels=simd, but " + reason.get());
          }
          return SimdHolder.INSTANCE;
        case "auto":
        case "":
          Optional<String> why = simdUnavailableReason();
          if (why.isPresent()) {
            LOG.log(System.Logger.Level.WARNING,
                "Lanes runs its scalar kernels: " + why.get());
            return scalar();
          }
          return SimdHolder.INSTANCE;
        default:
          throw new IllegalArgumentException(
              "-Dlanes.kernels=" + forced + ": expected scalar, simd or auto");
      }
    }
  }

  private static final class SimdHolder {
    static final KernelProvider INSTANCE = load();

    private static KernelProvider load() {
      try {
        var lookup = MethodHandles.lookup();
        Class<?> type = Class.forName(SIMD_PROVIDER);
        return (KernelProvider) lookup.findConstructor(type, MethodType.methodType(void.class))
            .invoke();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("cannot load " + SIMD_PROVIDER, e);
      }
    }
  }
}

package dev.lanes.core.kernel.simd;

import dev.lanes.core.kernel.ActivationKernels;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.ElementwiseKernels;
import dev.lanes.core.kernel.GemmKernel;
import dev.lanes.core.kernel.Im2colConv;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.kernel.PoolKernels;
import dev.lanes.core.kernel.RecurrentKernels;
import dev.lanes.core.kernel.ReductionKernels;
import dev.lanes.core.kernel.SoftmaxKernels;

/**
 * The Vector API kernels. Loaded by name from {@link KernelProvider} once the
 * {@code jdk.incubator.vector} module is known to be present; do not reference it directly.
 */
public final class SimdKernelProvider extends KernelProvider {
  private final ElementwiseKernels elementwise = new SimdElementwise();
  private final ActivationKernels activations = new SimdActivations();
  private final ReductionKernels reductions = new SimdReductions();
  private final PoolKernels pool = new SimdPool();
  private final SoftmaxKernels softmax = new SimdSoftmax();
  private final GemmKernel gemm = new SimdGemm();
  private final ConvKernels conv = new WinogradConv(new DirectConv(
      new Im2colConv(gemm, elementwise, reductions), elementwise, reductions), elementwise,
      reductions);
  private final RecurrentKernels recurrent = new SimdRecurrent();

  public SimdKernelProvider() {}

  @Override
  public String description() {
    return "simd (" + FloatSpecies.F.vectorBitSize() + "-bit, " + FloatSpecies.L + " float lanes)";
  }

  @Override
  public boolean isSimd() {
    return true;
  }

  @Override
  public int floatLanes() {
    return FloatSpecies.L;
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public ActivationKernels activations() {
    return activations;
  }

  @Override
  public ReductionKernels reductions() {
    return reductions;
  }

  @Override
  public SoftmaxKernels softmax() {
    return softmax;
  }

  @Override
  public PoolKernels pool() {
    return pool;
  }

  @Override
  public GemmKernel gemm() {
    return gemm;
  }

  @Override
  public ConvKernels conv() {
    return conv;
  }

  @Override
  public RecurrentKernels recurrent() {
    return recurrent;
  }
}

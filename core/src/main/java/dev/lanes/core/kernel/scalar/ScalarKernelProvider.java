package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.ActivationKernels;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.ElementwiseKernels;
import dev.lanes.core.kernel.GemmKernel;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.kernel.PoolKernels;
import dev.lanes.core.kernel.RecurrentKernels;
import dev.lanes.core.kernel.ReductionKernels;
import dev.lanes.core.kernel.SoftmaxKernels;

/** The scalar reference kernels: plain loops, the specification the SIMD kernels are tested against. */
public final class ScalarKernelProvider extends KernelProvider {
  public static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

  private final ElementwiseKernels elementwise = new ScalarElementwise();
  private final ActivationKernels activations = new ScalarActivations();
  private final ReductionKernels reductions = new ScalarReductions();
  private final PoolKernels pool = new ScalarPool();
  private final SoftmaxKernels softmax = new ScalarSoftmax();
  private final GemmKernel gemm = new ScalarGemm();
  private final ConvKernels conv = new ScalarConv();
  private final RecurrentKernels recurrent = new ScalarRecurrent();

  private ScalarKernelProvider() {}

  @Override
  public String description() {
    return "scalar";
  }

  @Override
  public boolean isSimd() {
    return false;
  }

  @Override
  public int floatLanes() {
    return 1;
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

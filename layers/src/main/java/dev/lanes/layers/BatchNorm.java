package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Batch normalisation (Ioffe and Szegedy 2015), PyTorch's {@code nn.BatchNorm1d} over features
 * (N, F) and {@code nn.BatchNorm2d} over channels (N, C, H, W).
 *
 * <p>Training: each channel is normalised with its batch mean and biased variance,
 * {@code y = γ·(x - mean)/√(var + ε) + β}, and the running statistics move towards the batch's:
 * {@code running = (1 - momentum)·running + momentum·batch}, with the unbiased variance as in
 * PyTorch. Inference uses the running statistics instead. γ ({@code weight}, starts at 1) and β
 * ({@code bias}, starts at 0) are trained; {@code running_mean} and {@code running_var} are
 * saved with the weights.
 */
public final class BatchNorm extends AbstractLayer {
  /** momentum in (0, 1], eps > 0; PyTorch's defaults are 0.1 and 1e-5. */
  public record Config(float momentum, float eps) implements LayerConfig {
    public Config {
      if (!(momentum > 0 && momentum <= 1)) {
        throw new IllegalArgumentException("BatchNorm: momentum must be in (0, 1], got " + momentum);
      }
      if (!(eps > 0) || Float.isInfinite(eps)) {
        throw new IllegalArgumentException("BatchNorm: eps must be > 0, got " + eps);
      }
    }

    public Config() {
      this(0.1f, 1e-5f);
    }

    @Override
    public BatchNorm create(String name) {
      return new BatchNorm(this, name);
    }
  }

  private final Config config;
  private Param gamma;             // "weight", (C)
  private Param beta;              // "bias", (C)
  private Param runningMean;       // (C)
  private Param runningVar;        // (C)
  private int channels;
  private int spatial;             // H·W, or 1 for features
  private float[] mean = new float[0];     // (C), the last training batch's
  private float[] invStd = new float[0];  // (C), 1/√(var + ε)
  private double[] sumDy = new double[0];   // (C), backward's Σ dy per channel
  private double[] sumDyH = new double[0];  // (C), backward's Σ dy·x̂ per channel
  private int trainedBatch = -1;
  private final Workspace normalized = new Workspace(); // x̂, (N, C, ...), kept for backward
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();
  // the channel loops of a training step, created once: a step allocates nothing. Channels are
  // independent, so any split over threads gives the same bits.
  private final RangeBody normalizeChannels = this::normalizeChannels;
  private final RangeBody backwardChannels = this::backwardChannels;
  private Tensor stepX;      // forward's input, during forward
  private Tensor stepY;      // forward's output, during forward
  private Tensor stepDy;     // backward's dOut, during backward
  private Tensor stepDx;     // backward's result, during backward
  private float[] stepH;     // x̂'s values, during forward and backward
  private int stepN;

  public BatchNorm(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 1 && in.rank() != 3) {
      throw badInput("(N, F) or (N, C, H, W)", in, "");
    }
    channels = in.dim(0);
    spatial = in.rank() == 3 ? in.dim(1) * in.dim(2) : 1;
    gamma = new Param("weight", Shape.of(channels));
    beta = new Param("bias", Shape.of(channels));
    runningMean = new Param("running_mean", Shape.of(channels));
    runningVar = new Param("running_var", Shape.of(channels));
    java.util.Arrays.fill(gamma.value().data(), 1f);
    java.util.Arrays.fill(runningVar.value().data(), 1f);
    mean = new float[channels];
    invStd = new float[channels];
    sumDy = new double[channels];
    sumDyH = new double[channels];
    return in;
  }

  @Override
  public List<Param> params() {
    return List.of(gamma, beta);
  }

  @Override
  public List<Param> buffers() {
    return List.of(runningMean, runningVar);
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor y = out.get(n, outputShape());
    if (!training) {
      trainedBatch = -1;
      normalizeWithRunningStatistics(x, y, n);
      return y;
    }
    long count = (long) n * spatial;
    if (count < 2) {
      throw new IllegalArgumentException(describe() + ": training needs more than one value per"
          + " channel, got input " + x.shape());
    }
    stepH = normalized.get(n, inputShape()).data();
    stepX = x;
    stepY = y;
    stepN = n;
    Parallel.parallelForDynamic(channels, channelsPerTask(n), normalizeChannels);
    stepX = null;
    stepY = null;
    trainedBatch = n;
    return y;
  }

  /**
   * For channels [c0, c1) of the batch: their statistics (and running statistics), then x̂ =
   * (x - mean)·invStd and y = γ·x̂ + β. A block of channels at a time (see {@link
   * #channelsPerBlock}): the statistics read the block's x twice and the normalisation once
   * more, the last two times from the cache.
   */
  private void normalizeChannels(int c0, int c1) {
    Tensor x = stepX;
    Tensor y = stepY;
    float[] xd = x.data();
    float[] yd = y.data();
    float[] var = invStd; // reused: holds the variance until turned into 1/√(var + ε)
    long count = (long) stepN * spatial;
    float momentum = config.momentum();
    float[] rm = runningMean.value().data();
    float[] rv = runningVar.value().data();
    float[] h = stepH;
    float[] g = gamma.value().data();
    float[] b = beta.value().data();
    int stride = channels * spatial; // from a channel's run in one sample to the next sample's
    int block = channelsPerBlock(stepN);
    for (int first = c0; first < c1; first += block) {
      int end = Math.min(c1, first + block);
      Reductions.meanVarianceChannels(mean, 0, var, 0, xd, x.offset(), stepN, channels, spatial,
          first, end);
      for (int c = first; c < end; c++) {
        rm[c] = (1 - momentum) * rm[c] + momentum * mean[c];
        rv[c] = (1 - momentum) * rv[c] + momentum * var[c] * count / (count - 1);
        invStd[c] = (float) (1 / Math.sqrt(var[c] + config.eps()));
        int base = c * spatial;
        Elementwise.normalize(h, base, yd, y.offset() + base, xd, x.offset() + base, mean[c],
            invStd[c], g[c], b[c], stepN, spatial, stride);
      }
    }
  }

  /**
   * Channels of some 64K values (256 KB) each per block, at least one: backward's second pass
   * over a block's dy and x̂ (512 KB) then finds them in a 1 MB L2 cache. Blocks rather than
   * single channels because the reductions walk a block sample by sample, through memory in
   * order, which the prefetcher follows; one channel's runs are short (196 values) and far
   * apart (measured on (64, 64, 14, 14), backward's sums: 0.31 ms sample by sample, 0.44 ms
   * channel by channel).
   */
  private int channelsPerBlock(int n) {
    long perChannel = (long) n * spatial;
    return (int) Math.max(1, Math.min(channels, (1 << 16) / Math.max(1, perChannel)));
  }

  /**
   * Channels per task: several tasks per thread (see {@link Parallel#balancedChunk}), each
   * with some 16K values or more, since threads pay off on image batches, not on a few features.
   */
  private int channelsPerTask(int n) {
    long perChannel = (long) n * spatial;
    int least = (int) Math.max(1, Math.min(channels, (1 << 14) / Math.max(1, perChannel)));
    return Parallel.balancedChunk(channels, least);
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    normalizeWithRunningStatistics(x, y, n);
    return y;
  }

  private void normalizeWithRunningStatistics(Tensor x, Tensor y, int n) {
    float[] g = gamma.value().data();
    float[] b = beta.value().data();
    float[] rm = runningMean.value().data();
    float[] rv = runningVar.value().data();
    for (int c = 0; c < channels; c++) {
      float scale = (float) (g[c] / Math.sqrt(rv[c] + config.eps()));
      float shift = b[c] - rm[c] * scale;
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          y.data()[y.offset() + base + s] = x.data()[x.offset() + base + s] * scale + shift;
        }
      }
    }
  }

  /**
   * Forward was y = γ·x̂ + β with x̂ = (x - mean)·invStd over m = N·H·W values per channel, so
   * dγ += Σ dy·x̂, dβ += Σ dy and dx = γ·invStd/m · (m·dy - Σ dy - x̂·Σ dy·x̂).
   */
  @Override
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw noForward();
    }
    int n = trainedBatch;
    checkGradient(dOut, n);
    Tensor dx = dInput.get(n, inputShape());
    stepH = normalized.get(n, inputShape()).data();
    stepDy = dOut;
    stepDx = dx;
    stepN = n;
    Parallel.parallelForDynamic(channels, channelsPerTask(n), backwardChannels);
    stepDy = null;
    stepDx = null;
    return dx;
  }

  /** The backward pass of channels [c0, c1): their dγ, dβ and dx, a block at a time. */
  private void backwardChannels(int c0, int c1) {
    Tensor dOut = stepDy;
    int n = stepN;
    float[] dy = dOut.data();
    float[] h = stepH;
    float[] dxd = stepDx.data();
    float[] g = gamma.value().data();
    float[] dGamma = gamma.grad().data();
    float[] dBeta = beta.grad().data();
    float m = (float) n * spatial;
    int stride = channels * spatial;
    int block = channelsPerBlock(n);
    for (int first = c0; first < c1; first += block) {
      int end = Math.min(c1, first + block);
      // Σ dy and Σ dy·x̂ in one pass over the block; dx's pass then finds it in the cache
      Reductions.sumDotChannels(sumDy, 0, sumDyH, 0, dy, dOut.offset(), h, 0, n, channels,
          spatial, first, end);
      for (int c = first; c < end; c++) {
        float sDy = (float) sumDy[c];
        float sDyH = (float) sumDyH[c];
        dGamma[c] += sDyH;
        dBeta[c] += sDy;
        float k = g[c] * invStd[c] / m;
        int base = c * spatial;
        Elementwise.normalizeBackward(dxd, base, dy, dOut.offset() + base, h, base, k, m, sDy,
            sDyH, n, spatial, stride);
      }
    }
  }
}

package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout (Srivastava et al. 2014; PyTorch's nn.Dropout): in training each element is
 * zeroed with probability p and the others are scaled by 1/(1 - p), so that inference is the
 * identity. The mask comes from the random source given to {@link #build} (the model's seeded
 * one), so a seeded run repeats.
 */
public final class Dropout extends AbstractLayer {
  /** The drop probability p in [0, 1). */
  public record Config(float rate) implements LayerConfig {
    public Config {
      if (!(rate >= 0 && rate < 1)) {
        throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
      }
    }

    @Override
    public Dropout create(String name) {
      return new Dropout(this, name);
    }
  }

  private final Config config;
  private RandomGenerator random;
  private boolean frozen;
  private boolean hasMask;
  private final Workspace mask = new Workspace();   // (N, ...): 0 or 1/(1 - p)
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();
  private Tensor currentMask;                        // the last training forward's mask

  public Dropout(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    this.random = random;
    return in;
  }

  @Override
  public void freezeRandomness(boolean frozen) {
    this.frozen = frozen;
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    if (!training) {
      currentMask = null;
      return x;
    }
    Tensor m = mask.get(n, inputShape());
    if (!(frozen && hasMask && m == currentMask)) {
      float keep = 1 / (1 - config.rate());
      float[] d = m.data();
      for (int i = 0; i < m.size(); i++) {
        d[m.offset() + i] = random.nextFloat() < config.rate() ? 0f : keep;
      }
      hasMask = true;
    }
    currentMask = m;
    Tensor y = out.get(n, outputShape());
    Elementwise.mul(y.data(), y.offset(), x.data(), x.offset(), m.data(), m.offset(), x.size());
    return y;
  }

  /** The identity: inference keeps every element. Returns x itself. */
  @Override
  public Tensor infer(Tensor x) {
    checkInput(x);
    return x;
  }

  /** Forward was y = x ⊙ mask, so dx = dy ⊙ mask. */
  @Override
  public Tensor backward(Tensor dOut) {
    if (currentMask == null) {
      throw noForward();
    }
    int n = currentMask.dim(0);
    checkGradient(dOut, n);
    Tensor dx = dInput.get(n, inputShape());
    Elementwise.mul(dx.data(), dx.offset(), dOut.data(), dOut.offset(), currentMask.data(),
        currentMask.offset(), dx.size());
    return dx;
  }
}

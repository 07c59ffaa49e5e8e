package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A residual block (He et al. 2016): {@code y = f(x) + x} around a sequence of layers f. When f
 * changes the shape, x goes through a projection first: a 1x1 {@link Conv2d} (with the stride
 * that maps the spatial size) for images, a {@link Dense} for features, so that
 * {@code y = f(x) + P(x)}. Inner layers are named {@code <name>.<index>}, the projection
 * {@code <name>.projection}.
 */
public final class Residual extends AbstractLayer {
  /** The layers of the residual branch f, at least one. */
  public record Config(List<LayerConfig> layers) implements LayerConfig {
    public Config {
      if (layers == null || layers.isEmpty()) {
        throw new IllegalArgumentException("Residual: the branch needs at least one layer");
      }
      layers = List.copyOf(layers);
    }

    @Override
    public Residual create(String name) {
      return new Residual(this, name);
    }
  }

  private final Config config;
  private final List<Layer> body = new ArrayList<>();
  private Layer projection;        // null when f keeps the shape
  private int trainedBatch = -1;
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public Residual(Config config, String name) {
    super(name);
    this.config = config;
    for (int i = 0; i < config.layers().size(); i++) {
      body.add(config.layers().get(i).create(name + "." + i));
    }
  }

  @Override
  public Config config() {
    return config;
  }

  /** The layers of the residual branch. */
  public List<Layer> body() {
    return List.copyOf(body);
  }

  /** The projection of the shortcut, or null when f keeps the shape. */
  public Layer projection() {
    return projection;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    Shape s = in;
    for (Layer layer : body) {
      s = layer.build(s, random);
    }
    if (!s.equals(in)) {
      projection = projectionFor(in, s).create(name() + ".projection");
      Shape p = projection.build(in, random);
      if (!p.equals(s)) {
        throw new IllegalArgumentException(describe() + ": the branch maps " + withBatchLetter(in)
            + " to " + withBatchLetter(s) + ", which no 1x1 projection of the input can match");
      }
    }
    return s;
  }

  private LayerConfig projectionFor(Shape in, Shape out) {
    if (in.rank() == 3 && out.rank() == 3) {
      // a 1x1 convolution with stride s maps H to ceil(H / s); build() checks it matches
      int stride = Math.ceilDiv(in.dim(1), out.dim(1));
      return new Conv2d.Config(out.dim(0), 1, 1, stride, 0, 1, true);
    }
    if (in.rank() == 1 && out.rank() == 1) {
      return new Dense.Config(out.dim(0));
    }
    throw new IllegalArgumentException(describe() + ": the branch maps " + withBatchLetter(in)
        + " to " + withBatchLetter(out) + ", which no 1x1 projection of the input can match");
  }

  @Override
  public List<Param> params() {
    List<Param> all = new ArrayList<>();
    body.forEach(l -> all.addAll(l.params()));
    if (projection != null) {
      all.addAll(projection.params());
    }
    return all;
  }

  @Override
  public List<Param> buffers() {
    List<Param> all = new ArrayList<>();
    body.forEach(l -> all.addAll(l.buffers()));
    return all;
  }

  @Override
  public void freezeRandomness(boolean frozen) {
    body.forEach(l -> l.freezeRandomness(frozen));
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor h = x;
    for (Layer layer : body) {
      h = layer.forward(h, training);
    }
    Tensor shortcut = projection == null ? x : projection.forward(x, training);
    Tensor y = out.get(n, outputShape());
    Elementwise.add(y.data(), y.offset(), h.data(), h.offset(), shortcut.data(),
        shortcut.offset(), y.size());
    trainedBatch = training ? n : -1;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor h = x;
    for (Layer layer : body) {
      h = layer.infer(h);
    }
    Tensor shortcut = projection == null ? x : projection.infer(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    Elementwise.add(y.data(), y.offset(), h.data(), h.offset(), shortcut.data(),
        shortcut.offset(), y.size());
    return y;
  }

  /** Forward was y = f(x) + P(x), so dx = f'ᵀ·dy + P'ᵀ·dy (P the identity without projection). */
  @Override
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw noForward();
    }
    checkGradient(dOut, trainedBatch);
    Tensor dh = dOut;
    for (int i = body.size() - 1; i >= 0; i--) {
      dh = body.get(i).backward(dh);
    }
    Tensor dShortcut = projection == null ? dOut : projection.backward(dOut);
    Tensor dx = dInput.get(trainedBatch, inputShape());
    Elementwise.add(dx.data(), dx.offset(), dh.data(), dh.offset(), dShortcut.data(),
        dShortcut.offset(), dx.size());
    return dx;
  }
}

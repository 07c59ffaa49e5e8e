package dev.lanes.layers.init;

/**
 * Which fan a He initializer scales by: fan-in keeps the variance of activations in the forward
 * pass, fan-out that of gradients in the backward pass (PyTorch's {@code mode}).
 */
public enum FanMode {
  FAN_IN,
  FAN_OUT;

  int pick(int fanIn, int fanOut) {
    return this == FAN_IN ? fanIn : fanOut;
  }
}

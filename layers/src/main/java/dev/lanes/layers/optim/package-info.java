/**
 * Optimizers ({@link dev.lanes.layers.optim.Sgd}, {@link dev.lanes.layers.optim.Adam}, {@link
 * dev.lanes.layers.optim.AdamW}, {@link dev.lanes.layers.optim.RmsProp}), each with PyTorch's
 * update formula and defaults; {@link dev.lanes.layers.optim.L2Regularization} and {@link
 * dev.lanes.layers.optim.GradientClipping}, usable with any of them; and learning-rate
 * schedules ({@link dev.lanes.layers.optim.StepDecay}, {@link
 * dev.lanes.layers.optim.ExponentialDecay}, {@link dev.lanes.layers.optim.CosineAnnealing},
 * {@link dev.lanes.layers.optim.LinearWarmup}).
 *
 * <p>The learning rate is not part of an optimizer's configuration: it is passed to every
 * {@code step}, so a schedule (or any code) can change it between steps. One training step:
 *
 * <pre>{@code
 * params.forEach(Param::zeroGrad);
 * float loss = lossFn.forward(model.forward(x, true), y);
 * lossFn.backward(dOut);  model.backward(dOut);
 * GradientClipping.clipByGlobalNorm(params, 1f);           // optional
 * optimizer.step(params, schedule.rate(step++));
 * }</pre>
 *
 * <p>Optimizer state (momentum, moments) lives in the optimizer, keyed by the Param object and
 * created on that parameter's first step, so a steady step allocates nothing. Optimizers update
 * {@code Param.value()} in place and only read {@code Param.grad()}.
 */
package dev.lanes.layers.optim;

"""Reference outputs for RecurrentReferenceTest, from PyTorch's documented equations.

Independent of Lanes: numpy in float64, weights in PyTorch's layout (weight_ih (G*H, F) with the
gate blocks stacked in PyTorch's order, weight_hh (G*H, H), bias_ih, bias_hh), batch-first input
(N, T, F), zero initial state. Every value is first rounded to float32, as the Java test holds
it. Run: python3 recurrent_reference.py
"""
import numpy as np

N, T, F, H = 2, 3, 3, 2


def fill(shape, seed):
    k = np.arange(int(np.prod(shape)))
    v = ((k * 37 + seed * 11) % 23 - 11) / 20.0
    return v.astype(np.float32).astype(np.float64).reshape(shape)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def params(gates):
    return (fill((gates * H, F), 1), fill((gates * H, H), 2), fill((gates * H,), 3),
            fill((gates * H,), 4))


x = fill((N, T, F), 5)


def run(cell, gates):
    w_ih, w_hh, b_ih, b_hh = params(gates)
    h = np.zeros((N, H))
    c = np.zeros((N, H))
    out = []
    for t in range(T):
        gi = x[:, t, :] @ w_ih.T + b_ih   # (N, G*H), blocks in PyTorch's gate order
        gh = h @ w_hh.T + b_hh
        h, c = cell(gi, gh, h, c)
        out.append(h)
    return np.stack(out, axis=1)  # (N, T, H)


def rnn(gi, gh, h, c):
    return np.tanh(gi + gh), c


def lstm(gi, gh, h, c):  # i, f, g, o
    g = gi + gh
    i, f, gg, o = (g[:, k * H:(k + 1) * H] for k in range(4))
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
    return sigmoid(o) * np.tanh(c), c


def gru_pytorch(gi, gh, h, c):  # r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h, c


def gru_cho_run():  # n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), h' = (1 - z) h + z n
    w_ih, w_hh, b_ih, b_hh = params(3)
    h = np.zeros((N, H))
    out = []
    for t in range(T):
        gi = x[:, t, :] @ w_ih.T + b_ih
        r = sigmoid(gi[:, :H] + h @ w_hh[:H].T + b_hh[:H])
        z = sigmoid(gi[:, H:2 * H] + h @ w_hh[H:2 * H].T + b_hh[H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + (r * h) @ w_hh[2 * H:].T + b_hh[2 * H:])
        h = (1 - z) * h + z * n
        out.append(h)
    return np.stack(out, axis=1)


for name, y in [("RNN", run(rnn, 1)), ("LSTM", run(lstm, 4)),
                ("GRU_PYTORCH", run(gru_pytorch, 3)), ("GRU_CHO", gru_cho_run())]:
    print(name, ", ".join("%.8ff" % v for v in y.reshape(-1)))

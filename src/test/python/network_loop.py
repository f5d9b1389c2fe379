"""The tutorial's own training loop, for the benchmark's baseline: network.py's SGD with its
per-example update_mini_batch and backprop, in numpy, with the cross-entropy output error
delta = a - y (network2's CrossEntropyCost.delta), on Fashion-MNIST.

    python3 network_loop.py DATA_DIR EXAMPLES [BATCH] [ETA]

trains [784, 30, 10] on the first EXAMPLES training images, in mini-batches of BATCH (10), and
prints one line: the examples per second of that pass (the update loop alone, not the loading).
"""
import gzip
import sys
import time

import numpy as np


def load(directory, count):
    with gzip.open(directory + "/train-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:count]
    with gzip.open(directory + "/train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:count]
    xs = [x.reshape(784, 1) / 255.0 for x in images]
    ys = []
    for label in labels:
        y = np.zeros((10, 1))
        y[label] = 1.0
        ys.append(y)
    return list(zip(xs, ys))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Network:
    """network.py's Network, its output error that of the cross-entropy cost."""

    def __init__(self, sizes):
        rng = np.random.default_rng(1)
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = activations[-1] - y
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, len(self.weights) + 1):
            sp = sigmoid(zs[-l]) * (1 - sigmoid(zs[-l]))
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w


def main():
    directory, count = sys.argv[1], int(sys.argv[2])
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    eta = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    data = load(directory, count)
    net = Network([784, 30, 10])
    started = time.perf_counter()
    for k in range(0, len(data), batch):
        net.update_mini_batch(data[k:k + batch], eta)
    seconds = time.perf_counter() - started
    print("%.1f" % (len(data) / seconds))


if __name__ == "__main__":
    main()

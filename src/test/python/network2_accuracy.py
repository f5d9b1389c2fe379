"""Loads a spark-backprop model with network2's own load() and scores it on IDX test data.

Usage: python3 network2_accuracy.py MODEL.json IMAGES-idx3-ubyte[.gz]
Prints the number of test images network2 classifies correctly and their count.

The Network class and load() below are those of Michael Nielsen's network2.py
(neural-networks-and-deep-learning, MIT licence), ported to Python 3 and cut to what loading
and classifying need: load() reads the file unchanged, and feedforward() applies the sigmoid
to every layer as network2 does. Softmax and the sigmoid are both increasing, so the argmax
— the predicted class — is the same as with the trainer's softmax output.
"""
import gzip
import json
import sys

import numpy as np


class QuadraticCost(object):
    pass


class CrossEntropyCost(object):
    pass


class Network(object):
    def __init__(self, sizes, cost=CrossEntropyCost):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.default_weight_initializer()
        self.cost = cost

    def default_weight_initializer(self):
        self.biases = [np.random.randn(y, 1) for y in self.sizes[1:]]
        self.weights = [np.random.randn(y, x) / np.sqrt(x)
                        for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def accuracy(self, data):
        results = [(np.argmax(self.feedforward(x)), y) for (x, y) in data]
        return sum(int(x == y) for (x, y) in results)


def load(filename):
    f = open(filename, "r")
    data = json.load(f)
    f.close()
    cost = getattr(sys.modules[__name__], data["cost"])
    net = Network(data["sizes"], cost=cost)
    net.weights = [np.array(w) for w in data["weights"]]
    net.biases = [np.array(b) for b in data["biases"]]
    return net


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        content = f.read()
    dimensions = content[3]
    shape = [int.from_bytes(content[4 + 4 * d:8 + 4 * d], "big") for d in range(dimensions)]
    return np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def main():
    model, images_path = sys.argv[1], sys.argv[2]
    labels_path = images_path.replace("images-idx3-ubyte", "labels-idx1-ubyte")
    images = read_idx(images_path).reshape(-1, 784, 1).astype(np.float64) / 255.0
    labels = read_idx(labels_path)
    net = load(model)
    correct = net.accuracy(zip(images, labels))
    print(correct, len(labels))


if __name__ == "__main__":
    main()

/**
 * Models for other runtimes: a network as an ONNX graph (Gemm and an activation per layer,
 * softmax or sigmoid out), written with the ONNX protobuf classes. Imports the ONNX protobuf
 * classes and protobuf (both relocated in the application jar, away from Spark's protobuf),
 * Jackson, EJML, the JDK, and the common, files and network packages.
 */
package org.sparkbackprop.onnx;

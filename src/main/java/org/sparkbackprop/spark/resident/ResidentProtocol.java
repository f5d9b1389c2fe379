package org.sparkbackprop.spark.resident;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Parameters;

/**
 * The messages between the driver and its resident tasks, big-endian, every length checked
 * against what this run can send:
 * <pre>
 * task → driver   HELLO   magic, partition
 * driver → task   nonce   32 random bytes
 * task → driver   proof   HMAC-SHA256(secret, nonce ‖ partition)      (the secret never crosses)
 * driver → task   OK
 * driver → task   STEP    step, batch length ≤ capacity, sorted indices, every weight and bias (8 raw bytes each)
 * task → driver   SUMS    step, 0 (no member of the batch) or 1 and the sums, compute nanoseconds
 * driver → task   STOP
 * </pre>
 */
final class ResidentProtocol {
    static final byte STEP = 1;
    static final byte STOP = 2;
    static final byte SUMS = 3;
    static final byte OK = 4;
    static final int NONCE_BYTES = 32;
    static final int MAGIC = 0x5B4B5052;
    private static final String HMAC = "HmacSHA256";

    private ResidentProtocol() {
    }

    /** Task side of the handshake: says which partition it serves and proves it knows the secret. */
    static void prove(byte[] secret, int partition, DataInputStream in, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(partition);
        out.flush();
        byte[] nonce = new byte[NONCE_BYTES];
        in.readFully(nonce);
        out.write(proof(secret, nonce, partition));
        out.flush();
        if (in.readByte() != OK) {
            throw new IOException("the driver refused the resident task");
        }
    }

    /**
     * Driver side of the handshake: the partition a connecting task serves, once its proof
     * matches, or an exception naming what was wrong.
     */
    static int verify(byte[] secret, byte[] nonce, int partitions, DataInputStream in, DataOutputStream out)
            throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a resident task of spark-backprop");
        }
        int partition = in.readInt();
        if (partition < 0 || partition >= partitions) {
            throw new IOException("partition " + partition + " is not one of this run's " + partitions);
        }
        out.write(nonce);
        out.flush();
        byte[] given = new byte[proof(secret, nonce, partition).length];
        in.readFully(given);
        if (!MessageDigest.isEqual(given, proof(secret, nonce, partition))) {
            throw new IOException("a task of partition " + partition + " does not know this run's secret");
        }
        out.writeByte(OK);
        out.flush();
        return partition;
    }

    private static byte[] proof(byte[] secret, byte[] nonce, int partition) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update(nonce);
            mac.update(new byte[] {(byte) (partition >>> 24), (byte) (partition >>> 16), (byte) (partition >>> 8),
                    (byte) partition});
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is part of every Java runtime", e);
        }
    }

    /** The STEP message: {@code step}, the batch's sorted indices and every weight and bias. */
    static byte[] step(long step, long[] sortedBatch, Parameters parameters) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                (int) (Long.BYTES * (parameters.architecture().parameterCount() + sortedBatch.length) + 32));
        DataOutputStream message = new DataOutputStream(bytes);
        message.writeByte(STEP);
        message.writeLong(step);
        message.writeInt(sortedBatch.length);
        for (long index : sortedBatch) {
            message.writeLong(index);
        }
        parameters.writeValues(message);
        message.flush();
        return bytes.toByteArray();
    }

    /** Reads the batch of a STEP message (at most {@code capacity} sorted indices), after its step number. */
    static long[] readBatch(DataInputStream in, int capacity) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > capacity) {
            throw new IOException("a batch of " + length + " examples, more than the " + capacity + " of this run");
        }
        long[] batch = new long[length];
        for (int i = 0; i < length; i++) {
            batch[i] = in.readLong();
        }
        return batch;
    }

    static void writeSums(DataOutputStream out, long step, Gradients sums, long computeNanos) throws IOException {
        out.writeByte(SUMS);
        out.writeLong(step);
        out.writeByte(sums == null ? 0 : 1);
        if (sums != null) {
            sums.writeTo(out);
        }
        out.writeLong(computeNanos);
    }

    /** A task's answer to step {@code step}: its sums (null when it had no member of the batch) and compute time. */
    record Answer(Gradients sums, long computeNanos) {
    }

    static Answer readSums(DataInputStream in, long step, Architecture architecture) throws IOException {
        byte type = in.readByte();
        if (type != SUMS) {
            throw new IOException("unexpected message " + type + " from a resident task");
        }
        long answered = in.readLong();
        if (answered != step) {
            throw new IOException("the answer to step " + answered + " came for step " + step);
        }
        Gradients sums = in.readByte() == 0 ? null : Gradients.readFrom(architecture, in);
        return new Answer(sums, in.readLong());
    }
}

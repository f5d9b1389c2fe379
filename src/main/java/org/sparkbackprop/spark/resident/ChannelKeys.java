package org.sparkbackprop.spark.resident;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The keys of the resident channel, all derived with HKDF-SHA256 (Google Tink's, which Spark
 * ships for its own authentication) from this run's secret, which reaches the tasks inside the
 * task Spark sends them, and, when Spark's network is authenticated ({@code spark.authenticate}),
 * Spark's own application secret, which only Spark's processes hold:
 * <pre>
 * proof key       = HKDF(run secret ‖ Spark secret, info "proof")
 * driver's proof  = HMAC-SHA256(proof key, "driver" ‖ task nonce ‖ driver nonce ‖ HELLO)
 * task's proof    = HMAC-SHA256(proof key, "task"   ‖ driver nonce ‖ task nonce ‖ HELLO)
 * sealing keys    = HKDF(run secret ‖ Spark secret, salt task nonce ‖ driver nonce, info direction)
 * </pre>
 * Each side proves itself to the other: a task answers the driver's fresh nonce, the driver the
 * task's, so a recorded proof is worth nothing and a stranger listening on the driver's port is
 * found out before the task sends it anything. A <em>sealed</em> channel (Spark's network
 * authenticated or encrypted) then carries every message as one AES-256-GCM frame (Tink's
 * {@code AesGcmJce}) under a key of its connection and direction, with the message's sequence
 * number as associated data: a frame altered, replayed, dropped, reordered or sent back the
 * other way fails its tag, and nobody without both secrets reads or writes one.
 */
final class ChannelKeys {
    /** Bytes of HMAC-SHA256. */
    static final int PROOF_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final String HKDF_MAC = "HMACSHA256";
    private static final int KEY_BYTES = 32;
    /** What AES-GCM adds to a message: Tink's 12-byte nonce and 16-byte tag. */
    private static final int FRAME_OVERHEAD = 12 + 16;

    private final byte[] master;
    private final byte[] proofKey;
    private final boolean sealing;

    /** {@code runSecret}: this run's; {@code sparkSecret}: Spark's application secret, empty when unauthenticated. */
    ChannelKeys(byte[] runSecret, byte[] sparkSecret, boolean sealing) {
        this.master = ByteBuffer.allocate(runSecret.length + sparkSecret.length).put(runSecret).put(sparkSecret).array();
        this.proofKey = derive(master, new byte[0], "spark-backprop resident proof");
        this.sealing = sealing;
    }

    /**
     * The keys of this JVM's end of a run with {@code runSecret}: sealed, and keyed by Spark's
     * application secret too, when Spark's network is authenticated or encrypted here.
     */
    static ChannelKeys inThisJvm(byte[] runSecret, boolean sealing) {
        String sparkSecret = sealing ? sparkSecret() : null;
        return new ChannelKeys(runSecret, sparkSecret == null ? new byte[0] : sparkSecret.getBytes(StandardCharsets.UTF_8),
                sealing);
    }

    /** Whether Spark's settings ask for a sealed channel: its network is authenticated, or encrypted. */
    static boolean sealingWanted(SparkConf conf) {
        return conf.getBoolean("spark.authenticate", false) || conf.getBoolean("spark.network.crypto.enabled", false);
    }

    /**
     * Spark's application secret as this JVM's Spark holds it (generated per application on YARN,
     * Kubernetes and in local mode; {@code spark.authenticate.secret} on a standalone cluster).
     * Its SecurityManager is Spark-internal, public in bytecode; it has had this method since 1.0.
     */
    private static String sparkSecret() {
        SparkEnv env = SparkEnv.get();
        return env == null ? null : env.securityManager().getSecretKey();
    }

    boolean sealing() {
        return sealing;
    }

    /** The driver's proof for a connection: see the class comment. */
    byte[] driverProof(byte[] taskNonce, byte[] driverNonce, byte[] hello) {
        return proof("driver", taskNonce, driverNonce, hello);
    }

    /** The task's proof for a connection: see the class comment. */
    byte[] taskProof(byte[] taskNonce, byte[] driverNonce, byte[] hello) {
        return proof("task", driverNonce, taskNonce, hello);
    }

    private byte[] proof(String role, byte[] firstNonce, byte[] secondNonce, byte[] hello) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(proofKey, HMAC));
            mac.update(role.getBytes(StandardCharsets.US_ASCII));
            mac.update(firstNonce);
            mac.update(secondNonce);
            mac.update(hello);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is part of every Java runtime", e);
        }
    }

    /**
     * Seals {@code connection} (when this run seals): from now on every message it sends and
     * reads is a frame under the connection's keys. {@code driverSide}: which end this is;
     * {@code maxMessageBytes}: the longest message the other end can send.
     */
    void seal(ResidentChannel.Connection connection, byte[] taskNonce, byte[] driverNonce, boolean driverSide,
              int maxMessageBytes) throws IOException {
        if (!sealing) {
            return;
        }
        byte[] salt = ByteBuffer.allocate(taskNonce.length + driverNonce.length).put(taskNonce).put(driverNonce).array();
        byte[] toTask = derive(master, salt, "spark-backprop resident driver to task");
        byte[] toDriver = derive(master, salt, "spark-backprop resident task to driver");
        try {
            connection.seal(new SealedOutput(connection.rawOut(), aead(driverSide ? toTask : toDriver)),
                    new SealedInput(connection.rawIn(), aead(driverSide ? toDriver : toTask),
                            maxMessageBytes + FRAME_OVERHEAD));
        } finally {
            Arrays.fill(toTask, (byte) 0);
            Arrays.fill(toDriver, (byte) 0);
        }
    }

    private static AesGcmJce aead(byte[] key) throws IOException {
        try {
            return new AesGcmJce(key);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-256-GCM is not available: " + e.getMessage(), e);
        }
    }

    private static byte[] derive(byte[] master, byte[] salt, String info) {
        try {
            return Hkdf.computeHkdf(HKDF_MAC, master, salt,
                    info.getBytes(StandardCharsets.US_ASCII), KEY_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is part of Tink", e);
        }
    }

    /** The frame's associated data: its sequence number on the connection, in its direction. */
    private static byte[] sequence(long number) {
        return ByteBuffer.allocate(Long.BYTES).putLong(number).array();
    }

    /** A message stream sent as frames: what is written up to a flush (one message) becomes one frame. */
    private static final class SealedOutput extends OutputStream {
        private final DataOutputStream out;
        private final AesGcmJce aead;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private long sent;

        SealedOutput(OutputStream out, AesGcmJce aead) {
            this.out = new DataOutputStream(out);
            this.aead = aead;
        }

        @Override
        public void write(int b) {
            message.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            message.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (message.size() > 0) {
                byte[] frame;
                try {
                    frame = aead.encrypt(message.toByteArray(), sequence(sent++));
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot seal a message: " + e.getMessage(), e);
                }
                message.reset();
                out.writeInt(frame.length);
                out.write(frame);
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** The frames of a {@link SealedOutput}, opened and checked, read as the messages' bytes. */
    private static final class SealedInput extends InputStream {
        private final DataInputStream in;
        private final AesGcmJce aead;
        private final int maxFrameBytes;
        private byte[] message = new byte[0];
        private int position;
        private long received;

        SealedInput(InputStream in, AesGcmJce aead, int maxFrameBytes) {
            this.in = new DataInputStream(in);
            this.aead = aead;
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        public int read() throws IOException {
            if (position == message.length) {
                nextFrame();
            }
            return message[position++] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == message.length) {
                nextFrame();
            }
            int count = Math.min(length, message.length - position);
            System.arraycopy(message, position, buffer, offset, count);
            position += count;
            return count;
        }

        /** Reads and opens the next frame; an EOFException when the other end closed, as an unsealed read gives. */
        private void nextFrame() throws IOException {
            int length = in.readInt();
            if (length <= FRAME_OVERHEAD || length > maxFrameBytes) {
                throw new IOException("a sealed frame of " + length + " bytes, where this run's are " + FRAME_OVERHEAD
                        + " to " + maxFrameBytes);
            }
            byte[] frame = new byte[length];
            in.readFully(frame);
            try {
                message = aead.decrypt(frame, sequence(received++));
            } catch (GeneralSecurityException e) {
                throw new IOException("message " + (received - 1) + " on this connection failed its integrity check"
                        + " (altered, replayed, reordered, or not sealed with this run's keys)");
            }
            position = 0;
        }
    }
}

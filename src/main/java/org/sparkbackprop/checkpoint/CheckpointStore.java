package org.sparkbackprop.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.files.AtomicFiles;
import org.sparkbackprop.files.DriverFiles;
import org.sparkbackprop.model.ModelFile;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/**
 * A directory of checkpoints, {@code checkpoint-EEEEEE-SSSSSSSSSS.json} for E epochs and S
 * further steps done, so that names sort in training order. Each is written to a hidden
 * temporary file and renamed into place, so a reader never sees half a checkpoint; then all
 * but the newest {@code keep} are deleted, with any temporary file a killed run left behind.
 */
public final class CheckpointStore {
    static final String FORMAT = "spark-backprop-checkpoint/1";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("checkpoint-\\d{6}-\\d{10}\\.json");
    private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint-.*\\.tmp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fileSystem;
    private final Path directory;
    private final int keep;

    /**
     * Opens, and creates when missing, {@code directory}: a path on the driver's local disk, or
     * any Hadoop file system's URI; {@code train --checkpoint-dir}'s.
     */
    public CheckpointStore(String directory, int keep) {
        this(directory, keep, "--checkpoint-dir");
    }

    /** As above, with a problem of the directory named as the setting {@code setting} (the estimator's checkpointDir). */
    public CheckpointStore(String directory, int keep, String setting) {
        if (keep < 1) {
            throw new BadInputException("keep-checkpoints must be a positive integer, got " + keep);
        }
        this.keep = keep;
        try {
            Path path = DriverFiles.resolve(directory);
            this.fileSystem = DriverFiles.fileSystem(path);
            this.directory = fileSystem.makeQualified(path);
            if (fileSystem.exists(this.directory) && !fileSystem.getFileStatus(this.directory).isDirectory()) {
                throw new BadInputException(setting + " " + directory + ": is a file, expected a directory");
            }
            fileSystem.mkdirs(this.directory);
        } catch (IOException e) {
            throw new BadInputException(setting + " " + directory + ": cannot create the directory ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }

    /** Writes {@code checkpoint} atomically and prunes the older ones. Returns where it went. */
    public String write(Checkpoint checkpoint) throws IOException {
        TrainingPosition position = checkpoint.position();
        String name = String.format("checkpoint-%06d-%010d.json", position.epochsDone(), position.stepsDone());
        Path target = new Path(directory, name);
        AtomicFiles.write(target, out -> writeJson(checkpoint, out));
        prune();
        return target.toString();
    }

    /** The newest checkpoint that reads back whole; damaged ones are skipped with a warning. */
    public Optional<Checkpoint> newest() throws IOException {
        List<Path> checkpoints = checkpoints();
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            Path path = checkpoints.get(i);
            try (InputStream in = fileSystem.open(path)) {
                return Optional.of(read(path.toString(), in));
            } catch (BadInputException | IOException e) {
                LOG.warn("skipping a damaged checkpoint: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The checkpoint files, oldest first. */
    List<Path> checkpoints() throws IOException {
        List<Path> checkpoints = new ArrayList<>();
        for (FileStatus status : fileSystem.listStatus(directory)) {
            if (status.isFile() && NAME.matcher(status.getPath().getName()).matches()) {
                checkpoints.add(status.getPath());
            }
        }
        checkpoints.sort(null);
        return checkpoints;
    }

    private void prune() throws IOException {
        List<Path> checkpoints = checkpoints();
        for (int i = 0; i < checkpoints.size() - keep; i++) {
            fileSystem.delete(checkpoints.get(i), false);
        }
        for (FileStatus status : fileSystem.listStatus(directory)) {
            if (TEMPORARY.matcher(status.getPath().getName()).matches()) {
                fileSystem.delete(status.getPath(), false);
            }
        }
    }

    static void writeJson(Checkpoint checkpoint, OutputStream out) throws IOException {
        TrainingPosition position = checkpoint.position();
        TrainingState state = checkpoint.state();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("format", FORMAT);
            json.writeNumberField("epochs_done", position.epochsDone());
            json.writeNumberField("steps_done", position.stepsDone());
            json.writeNumberField("loss_sum", position.lossSum());
            json.writeNumberField("examples", position.examples());
            json.writeNumberField("seconds", position.seconds());
            // the optimizer's state: momentum's velocity, absent while zero
            json.writeObjectFieldStart("optimizer");
            if (state.velocity() != null) {
                json.writeFieldName("velocity");
                ModelFile.writeJson(state.velocity(), json);
            }
            json.writeEndObject();
            // early stopping's best epoch so far, absent without early stopping
            if (state.best() != null) {
                json.writeObjectFieldStart("best");
                json.writeNumberField("epoch", state.best().epoch());
                json.writeNumberField("loss", state.best().loss());
                json.writeFieldName("model");
                ModelFile.writeJson(state.best().parameters(), json);
                json.writeEndObject();
            }
            json.writeObjectFieldStart("fingerprint");
            for (Map.Entry<String, String> entry : new java.util.TreeMap<>(checkpoint.fingerprint()).entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("metrics");
            for (String line : checkpoint.metrics()) {
                json.writeRawValue(line);
            }
            json.writeEndArray();
            json.writeFieldName("model");
            ModelFile.writeJson(state.parameters(), json);
            json.writeEndObject();
        }
    }

    /** Reads a checkpoint; any problem is a BadInputException naming {@code source} and what is wrong. */
    static Checkpoint read(String source, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(source + ": not a whole checkpoint (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BadInputException(source + ": not a checkpoint of format " + FORMAT);
        }
        TrainingPosition position;
        try {
            position = new TrainingPosition(integer(source, root, "epochs_done"), longInteger(source, root, "steps_done"),
                    number(source, root, "loss_sum"), longInteger(source, root, "examples"),
                    number(source, root, "seconds"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(source + ": " + e.getMessage());
        }
        Map<String, String> fingerprint = new LinkedHashMap<>();
        JsonNode fingerprintNode = root.path("fingerprint");
        for (Iterator<Map.Entry<String, JsonNode>> fields = fingerprintNode.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            fingerprint.put(field.getKey(), field.getValue().asText());
        }
        List<String> metrics = new ArrayList<>();
        for (JsonNode line : root.path("metrics")) {
            metrics.add(line.toString());
        }
        ModelFile.Stored model = ModelFile.parse(source + ": model", root.get("model"));
        JsonNode velocityNode = root.path("optimizer").get("velocity");
        Parameters velocity = null;
        if (velocityNode != null) {
            velocity = ModelFile.parse(source + ": optimizer velocity", velocityNode).parameters();
            if (!velocity.architecture().equals(model.parameters().architecture())) {
                throw new BadInputException(source + ": the optimizer's velocity does not have the model's shape");
            }
        }
        BestEpoch best = null;
        JsonNode bestNode = root.get("best");
        if (bestNode != null) {
            Parameters bestParameters = ModelFile.parse(source + ": best model", bestNode.get("model")).parameters();
            if (!bestParameters.architecture().equals(model.parameters().architecture())) {
                throw new BadInputException(source + ": the best model does not have the model's shape");
            }
            best = new BestEpoch(integer(source, bestNode, "epoch"), number(source, bestNode, "loss"), bestParameters);
        }
        return new Checkpoint(position, new TrainingState(model.parameters(), velocity, best), fingerprint, metrics);
    }

    private static double number(String source, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw new BadInputException(source + ": \"" + key + "\" must be a finite number");
        }
        return node.asDouble();
    }

    private static long longInteger(String source, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || !node.isIntegralNumber()) {
            throw new BadInputException(source + ": \"" + key + "\" must be an integer");
        }
        return node.asLong();
    }

    private static int integer(String source, JsonNode root, String key) {
        long value = longInteger(source, root, key);
        if (value > Integer.MAX_VALUE) {
            throw new BadInputException(source + ": \"" + key + "\" is too large");
        }
        return (int) value;
    }
}

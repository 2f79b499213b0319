package dev.slate.installer.install;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code var/install-state.json}: which install steps are done, and which one failed with what error.
 * Written atomically (temp file, then rename) after every step, so an install killed at any point
 * resumes at the first step not recorded as done.
 */
public final class InstallJournal {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public enum StepStatus {
        DONE,
        FAILED
    }

    /** One step's record. */
    public record Step(String name, StepStatus status, String at, String error) {}

    /** The file's content. */
    public record State(int version, String source, List<Step> steps) {
        public State {
            steps = List.copyOf(steps);
        }
    }

    private final Path file;
    private State state;

    private InstallJournal(Path file, State state) {
        this.file = file;
        this.state = state;
    }

    public static InstallJournal open(Path file, String source) {
        if (Files.isRegularFile(file)) {
            try {
                State existing = JSON.readValue(file.toFile(), State.class);
                return new InstallJournal(file, new State(existing.version(), source, existing.steps()));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the install journal " + file + " (remove it to start the install afresh)", e);
            }
        }
        return new InstallJournal(file, new State(1, source, List.of()));
    }

    public static Optional<State> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), State.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public boolean done(String step) {
        return state.steps().stream().anyMatch(s -> s.name().equals(step) && s.status() == StepStatus.DONE);
    }

    public Optional<Step> failed() {
        return state.steps().stream()
                .filter(s -> s.status() == StepStatus.FAILED)
                .findFirst();
    }

    public State state() {
        return state;
    }

    void markDone(String step) {
        record(new Step(step, StepStatus.DONE, Instant.now().toString(), null));
    }

    void markFailed(String step, String error) {
        record(new Step(step, StepStatus.FAILED, Instant.now().toString(), error));
    }

    private void record(Step step) {
        List<Step> steps = new ArrayList<>(state.steps());
        steps.removeIf(s -> s.name().equals(step.name()) || s.status() == StepStatus.FAILED);
        steps.add(step);
        state = new State(state.version(), state.source(), steps);
        write();
    }

    private void write() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the install journal " + file, e);
        }
    }
}

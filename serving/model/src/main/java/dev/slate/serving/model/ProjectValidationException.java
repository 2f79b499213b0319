package dev.slate.serving.model;

import java.util.List;
import java.util.stream.Collectors;

/** A project was rejected; nothing of it may become active. */
public final class ProjectValidationException extends Exception {
    private final List<ProjectProblem> problems;

    public ProjectValidationException(List<ProjectProblem> problems) {
        super(problems.stream().map(ProjectProblem::toString).collect(Collectors.joining("; ")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ProjectProblem> problems() {
        return problems;
    }
}

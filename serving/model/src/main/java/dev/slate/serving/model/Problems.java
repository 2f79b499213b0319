package dev.slate.serving.model;

import dev.slate.serving.model.error.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects every problem found while compiling a project, so that all of them are reported at once. */
public final class Problems {
    private final Set<ProjectProblem> problems = new LinkedHashSet<>();

    /** @param code a {@link ErrorCode.Scope#PROJECT} code */
    public void add(SourceLocation location, ErrorCode code, String message) {
        if (code.scope() != ErrorCode.Scope.PROJECT) {
            throw new IllegalArgumentException(code + " is not a project problem code");
        }
        problems.add(new ProjectProblem(location, code.name(), message));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    /** The problems sorted by file, line and column (stable for equal positions). */
    public List<ProjectProblem> sorted() {
        List<ProjectProblem> list = new ArrayList<>(problems);
        list.sort(Comparator.comparing((ProjectProblem p) -> p.location().file())
                .thenComparingInt(p -> p.location().line())
                .thenComparingInt(p -> p.location().column()));
        return list;
    }

    /** Throws when any problem was found. */
    public void throwIfAny() throws ProjectValidationException {
        if (!problems.isEmpty()) {
            throw new ProjectValidationException(sorted());
        }
    }
}

package dev.slate.control.deploy;

import dev.slate.model.ProjectProblem;
import dev.slate.model.ProjectValidationException;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a rejected project into the VALIDATION_FAILED request error, one entry per problem. */
final class ProjectProblems {
    private ProjectProblems() {
    }

    static SlateException validationFailed(String what, ProjectValidationException e) {
        List<ProjectProblem> problems = e.problems();
        List<Map<String, Object>> errors = problems.stream().map(ProjectProblems::toError).toList();
        String detail = what + " is invalid: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "; first: " + problems.getFirst();
        return new SlateException(ErrorCode.VALIDATION_FAILED, detail, errors);
    }

    private static Map<String, Object> toError(ProjectProblem problem) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("file", problem.location().file());
        error.put("line", problem.location().line());
        error.put("column", problem.location().column());
        error.put("code", problem.code());
        error.put("message", problem.message());
        return error;
    }
}

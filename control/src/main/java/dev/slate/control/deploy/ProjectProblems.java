package dev.slate.control.deploy;

import dev.slate.serving.model.ProjectProblem;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import java.util.List;

/** Turns a rejected project into the VALIDATION_FAILED request error, one entry per problem. */
final class ProjectProblems {
    private ProjectProblems() {}

    static SlateException validationFailed(String what, ProjectValidationException e) {
        List<ProjectProblem> problems = e.problems();
        List<ErrorDetail> errors =
                problems.stream().<ErrorDetail>map(ErrorDetail.InProject::of).toList();
        String detail = what + " is invalid: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "; first: " + problems.getFirst();
        return new SlateException(ErrorCode.VALIDATION_FAILED, SlateException.Condition.NONE, detail, errors, e);
    }
}

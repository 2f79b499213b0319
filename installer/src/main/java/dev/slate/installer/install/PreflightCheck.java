package dev.slate.installer.install;

import static java.util.Objects.requireNonNull;

/** One line of {@code slate preflight --host}. */
public record PreflightCheck(String name, Status status, String detail) {
    public enum Status {
        OK,
        WARN,
        FAIL
    }

    public PreflightCheck {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
    }

    static PreflightCheck ok(String name, String detail) {
        return new PreflightCheck(name, Status.OK, detail);
    }

    static PreflightCheck warn(String name, String detail) {
        return new PreflightCheck(name, Status.WARN, detail);
    }

    static PreflightCheck fail(String name, String detail) {
        return new PreflightCheck(name, Status.FAIL, detail);
    }
}

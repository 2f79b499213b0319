package dev.slate.control.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** A JSON deploy request: {@code {"files": {"slate.yaml": "..."}, "activate": true}}. */
record DeployRequest(Map<String, String> files, Optional<Boolean> activate) {
    DeployRequest {
        files = Map.copyOf(files);
        requireNonNull(activate, "activate is null");
    }
}

package dev.slate.installer.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Renders deployments: the one-line summary after apply/activate and the list table. */
public final class DeploymentView {
    private DeploymentView() {}

    /**
     * {@code Deployed fraud v3 (id …) — active}, or {@code — validated, not active}; notes when the
     * server kept an existing deployment because the content was unchanged.
     */
    public static String summary(String verb, JsonNode deployment) {
        String project = JsonText.field(deployment, "project").orElse("project");
        String version =
                JsonText.field(deployment, "version").map(v -> " v" + v).orElse("");
        String id = id(deployment).map(v -> " (id " + v + ")").orElse("");
        String state = isActive(deployment) ? "active" : "validated, not active";
        String unchanged =
                deployment.path("unchanged").asBoolean(false) ? " (same content as before: nothing new stored)" : "";
        return verb + " " + project + version + id + " \u2014 " + state + unchanged + "\n";
    }

    public static String list(JsonNode answer) {
        JsonNode items = answer.isArray() ? answer : answer.path("deployments");
        if (!items.isArray() && answer.has("items")) {
            items = answer.get("items");
        }
        Optional<String> activeId = JsonText.field(answer, "active_deployment_id");
        Table table = Table.spaced("ID", "PROJECT", "VERSION", "STATUS", "CREATED", "ACTIVATED", "HASH");
        for (JsonNode d : items) {
            boolean active = isActive(d) || (activeId.isPresent() && activeId.equals(id(d)));
            table.row(
                    id(d).orElse(""),
                    JsonText.field(d, "project").orElse(""),
                    JsonText.field(d, "version").orElse(""),
                    (active ? "* " : "") + JsonText.field(d, "status").orElse(active ? "active" : ""),
                    JsonText.field(d, "created_at").orElse(""),
                    JsonText.field(d, "activated_at").orElse(""),
                    JsonText.field(d, "content_hash")
                            .map(DeploymentView::shortHash)
                            .orElse(""));
        }
        return table.isEmpty() ? "No deployments yet. Deploy a project with `slate apply DIR`.\n" : table.render();
    }

    static Optional<String> id(JsonNode deployment) {
        return JsonText.field(deployment, "id").or(() -> JsonText.field(deployment, "deployment_id"));
    }

    static boolean isActive(JsonNode deployment) {
        JsonNode active = deployment.get("active");
        if (active != null && active.isBoolean()) {
            return active.booleanValue();
        }
        return JsonText.field(deployment, "status")
                .map(s -> s.equalsIgnoreCase("active"))
                .orElse(false);
    }

    private static String shortHash(String hash) {
        String bare = hash.startsWith("sha256:") ? hash.substring("sha256:".length()) : hash;
        return bare.length() > 12 ? bare.substring(0, 12) : bare;
    }
}

package dev.slate.appliance.control;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Small feature projects (docs/specs/project-format.md) that need no source: an entity with an int key and expressions. */
final class TestProjects {
    private TestProjects() {}

    /** A unique environment name, so tests stay independent of each other and of earlier runs. */
    static String environment(String purpose) {
        return "t-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A valid project; a different {@code factor} gives different content (and content hash). */
    static Map<String, String> valid(String project, int factor) {
        return Map.of("slate.yaml", String.format(Locale.ROOT, """
                project: %s
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      scaled: {type: int, expression: "id * %d"}
                """, project, factor));
    }

    /** The same project split over two files, as an archive would hold it. */
    static Map<String, String> twoFiles(String project) {
        return Map.of("slate.yaml", "project: " + project + "\n", "model/entities.yaml", """
                        entities:
                          user:
                            key: id
                            features:
                              id: int
                              doubled: {type: int, expression: "id * 2"}
                        """);
    }

    /** Invalid: line 7 of slate.yaml names the unknown type 'integer' (UNKNOWN_TYPE). */
    static Map<String, String> unknownType(String project) {
        return Map.of("slate.yaml", """
                project: %s
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      scaled: {type: integer, expression: "id * 2"}
                """.formatted(project));
    }
}

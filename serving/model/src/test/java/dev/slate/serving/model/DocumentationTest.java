package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/specs/project-format.md stays true: its complete example compiles and it lists every problem code. */
class DocumentationTest {
    private static final Path DOC = Path.of("../../docs/specs/project-format.md");

    private static List<String> blocks(String markdown, String language) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
                .matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void completeExampleCompiles() throws Exception {
        String doc = Files.readString(DOC);
        FeatureGraph graph = ProjectCompiler.compile(Map.of(
                "slate.yaml", blocks(doc, "yaml").getFirst(),
                "transactions.sql", blocks(doc, "sql").getFirst()));
        assertThat(graph.project()).isEqualTo("fraud");
        assertThat(graph.resolvers()).containsKeys("user_profile", "user_credit", "transactions");
    }

    @Test
    void everyProblemCodeIsDocumented() throws Exception {
        String doc = Files.readString(DOC);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.scope() != ErrorCode.Scope.PROJECT) {
                continue;
            }
            assertThat(doc).as("docs/specs/project-format.md documents " + code).contains("| `" + code.name() + "` |");
        }
    }
}

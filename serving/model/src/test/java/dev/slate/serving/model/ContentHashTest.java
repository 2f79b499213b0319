package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentHashTest {

    @Test
    void independentOfMapOrder() throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("slate.yaml", TestProjects.BASE);
        a.put("b.sql", "-- source: db\nSELECT 1 AS x");
        a.put("a.yaml", "entities: {}");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("a.yaml", "entities: {}");
        b.put("slate.yaml", TestProjects.BASE);
        b.put("b.sql", "-- source: db\nSELECT 1 AS x");
        assertThat(ProjectCompiler.contentHash(a)).isEqualTo(ProjectCompiler.contentHash(b));
    }

    @Test
    void isSha256OverSortedPathsAndContents() throws Exception {
        Map<String, String> files = Map.of("slate.yaml", "project: p\n", "a.sql", "x");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update("a.sql\0x\0slate.yaml\0project: p\n\0".getBytes(StandardCharsets.UTF_8));
        assertThat(ProjectCompiler.contentHash(files)).isEqualTo(HexFormat.of().formatHex(d.digest()));
    }

    @Test
    void changesWithContentOrPath() {
        String base = ProjectCompiler.contentHash(Map.of("slate.yaml", "project: p\n"));
        assertThat(ProjectCompiler.contentHash(Map.of("slate.yaml", "project: q\n")))
                .isNotEqualTo(base);
        assertThat(ProjectCompiler.contentHash(Map.of("slate.yaml", "project: p\n", "x.yaml", "")))
                .isNotEqualTo(base);
        // the separator keeps path and content apart
        assertThat(ProjectCompiler.contentHash(Map.of("ab", "c")))
                .isNotEqualTo(ProjectCompiler.contentHash(Map.of("a", "bc")));
    }

    @Test
    void graphCarriesTheHash() {
        var graph = TestProjects.compile(TestProjects.BASE);
        assertThat(graph.contentHash()).isEqualTo(ProjectCompiler.contentHash(Map.of("slate.yaml", TestProjects.BASE)));
    }
}

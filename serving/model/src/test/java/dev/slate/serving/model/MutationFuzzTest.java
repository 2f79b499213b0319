package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.slate.serving.model.error.ErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomly broken versions of the example project must either compile or be rejected with
 * problems — never fail with any other exception.
 */
class MutationFuzzTest {
    private static final int RUNS = 500;
    private static final String CHARS = " :-{}[],'\"|>#&*!%@`\n\tabcxyz019_.$";

    @Test
    void mutatedProjectsCompileOrAreRejected() {
        Random random = new Random(20260101L);
        Map<String, String> original = ExampleProjects.fraud();
        int rejected = 0;
        for (int run = 0; run < RUNS; run++) {
            Map<String, String> files = new LinkedHashMap<>(original);
            String target = random.nextInt(5) == 0 ? "transactions.sql" : "slate.yaml";
            int mutations = 1 + random.nextInt(4);
            String text = files.get(target);
            for (int m = 0; m < mutations; m++) {
                text = mutate(text, random);
            }
            files.put(target, text);
            try {
                ProjectCompiler.compile(files);
            } catch (ProjectValidationException e) {
                rejected++;
                assertThat(e.problems()).isNotEmpty();
                for (ProjectProblem p : e.problems()) {
                    assertThat(files)
                            .as("problem file of %s", p)
                            .containsKey(p.location().file());
                    assertThat(p.message()).isNotBlank();
                    assertThat(ErrorCode.valueOf(p.code()).scope()).isEqualTo(ErrorCode.Scope.PROJECT);
                }
            } catch (RuntimeException | StackOverflowError e) {
                fail("run " + run + " failed with " + e + " on:\n" + text, e);
            }
        }
        assertThat(rejected).as("most mutations break the project").isGreaterThan(RUNS / 4);
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (lines.isEmpty() || text.isEmpty()) {
            return text + CHARS.charAt(random.nextInt(CHARS.length()));
        }
        int i = random.nextInt(lines.size());
        switch (random.nextInt(6)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> lines.set(i, swap(lines.get(i), random));
            case 3 -> lines.set(i, insert(lines.get(i), random));
            case 4 -> lines.set(i, remove(lines.get(i), random));
            default -> {
                int j = random.nextInt(lines.size());
                String tmp = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, tmp);
            }
        }
        return String.join("\n", lines);
    }

    private static String swap(String line, Random random) {
        if (line.length() < 2) {
            return line;
        }
        char[] c = line.toCharArray();
        int a = random.nextInt(c.length);
        int b = random.nextInt(c.length);
        char t = c[a];
        c[a] = c[b];
        c[b] = t;
        return new String(c);
    }

    private static String insert(String line, Random random) {
        int at = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
        return line.substring(0, at) + CHARS.charAt(random.nextInt(CHARS.length())) + line.substring(at);
    }

    private static String remove(String line, Random random) {
        if (line.isEmpty()) {
            return line;
        }
        int at = random.nextInt(line.length());
        return line.substring(0, at) + line.substring(at + 1);
    }
}

package dev.slate.installer.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void pipedColumnsAreAlignedToTheWidestCell() {
        String text = Table.piped("FEATURE", "VALUE", "CACHED")
                .row("user.email_domain", "x", "no")
                .row("user.id", "12345678901", "yes")
                .render();

        assertThat(text).isEqualTo("""
                FEATURE           | VALUE       | CACHED
                user.email_domain | x           | no
                user.id           | 12345678901 | yes
                """);
    }

    @Test
    void spacedColumnsUseTwoBlanksAndNoTrailingBlanks() {
        String text = Table.spaced("A", "B", "C")
                .row("x", "", "")
                .row("long cell", "b", "c")
                .render();

        assertThat(text).isEqualTo("""
                A          B  C
                x
                long cell  b  c
                """);
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
    }

    @Test
    void cellsAreKeptOnOneLine() {
        String text = Table.spaced("A", "B").row("multi\nline", "tab\there").render();

        assertThat(text).isEqualTo("A           B\nmulti line  tab here\n");
    }

    @Test
    void nullCellIsEmpty() {
        assertThat(Table.spaced("A", "B").row(null, "b").render()).isEqualTo("A  B\n   b\n");
    }

    @Test
    void headerOnlyWhenThereAreNoRows() {
        Table table = Table.piped("FEATURE", "VALUE");

        assertThat(table.isEmpty()).isTrue();
        assertThat(table.render()).isEqualTo("FEATURE | VALUE\n");
    }

    @Test
    void wrongNumberOfCellsIsAnError() {
        assertThatThrownBy(() -> Table.spaced("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class KeyValueTest {
    @Test
    void numbersAreJsonNumbers() {
        JsonNode integer = KeyValue.parse("user.id=42").value();
        JsonNode decimal = KeyValue.parse("txn.amount=-2.5e1").value();

        assertThat(integer.isIntegralNumber()).isTrue();
        assertThat(integer.asLong()).isEqualTo(42L);
        assertThat(decimal.isFloatingPointNumber()).isTrue();
        assertThat(decimal.asDouble()).isEqualTo(-25.0);
    }

    @Test
    void booleansAndNullAreJson() {
        assertThat(KeyValue.parse("user.vip=true").value().isBoolean()).isTrue();
        assertThat(KeyValue.parse("user.vip=false").value().booleanValue()).isFalse();
        assertThat(KeyValue.parse("user.x=null").value().isNull()).isTrue();
    }

    @Test
    void quotedStringsKeepWhatIsInside() {
        JsonNode value = KeyValue.parse("user.zip=\"007\"").value();

        assertThat(value.isTextual()).isTrue();
        assertThat(value.asText()).isEqualTo("007");
    }

    @Test
    void anythingElseIsAPlainString() {
        assertThat(KeyValue.parse("user.email=ann@example.com").value().asText())
                .isEqualTo("ann@example.com");
        assertThat(KeyValue.parse("user.zip=007").value().asText()).isEqualTo("007");
        assertThat(KeyValue.parse("user.code=1abc").value().asText()).isEqualTo("1abc");
        assertThat(KeyValue.parse("user.code=1 2").value().asText()).isEqualTo("1 2");
        assertThat(KeyValue.parse("user.name=True").value().asText()).isEqualTo("True");
        assertThat(KeyValue.parse("user.q=' OR 1=1 --").value().asText()).isEqualTo("' OR 1=1 --");
        assertThat(KeyValue.parse("user.code=1abc").value().isTextual()).isTrue();
    }

    @Test
    void onlyTheFirstEqualsSplits() {
        KeyValue kv = KeyValue.parse("user.filter=a=b");

        assertThat(kv.key()).isEqualTo("user.filter");
        assertThat(kv.value().asText()).isEqualTo("a=b");
    }

    @Test
    void emptyValueIsTheEmptyString() {
        JsonNode value = KeyValue.parse("user.name=").value();

        assertThat(value.isTextual()).isTrue();
        assertThat(value.asText()).isEmpty();
    }

    @Test
    void listsAndObjectsAreJson() {
        assertThat(KeyValue.parse("user.ids=[1,2,3]").value().isArray()).isTrue();
        assertThat(KeyValue.parse("user.ids=[1,2,3]").value().size()).isEqualTo(3);
        assertThat(KeyValue.parse("user.o={\"a\":1}").value().isObject()).isTrue();
    }

    @Test
    void missingEqualsOrKeyIsRejected() {
        assertThatThrownBy(() -> KeyValue.parse("user.id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected KEY=VALUE, got 'user.id'");
        assertThatThrownBy(() -> KeyValue.parse("=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyValue.parse(" =1")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ResponseCheckTest {

    @Test
    void cleanAnswerIsASuccess() {
        Buffer body = Buffer.buffer(
                "{\"data\":[{\"field\":\"item.f1\",\"value\":1,\"error\":null}],\"errors\":[],\"meta\":{\"query_id\":\"q\"}}");
        assertThat(ResponseCheck.problem(200, body)).isNull();
    }

    @Test
    void emptyErrorsWithSpacesAndAbsentOrNullErrorsAreSuccesses() {
        assertThat(ResponseCheck.problem(200, Buffer.buffer("{\"data\": [], \"errors\": [ ], \"meta\": {}}")))
                .isNull();
        assertThat(ResponseCheck.problem(200, Buffer.buffer("{\"data\":[],\"meta\":{}}")))
                .isNull();
        assertThat(ResponseCheck.problem(200, Buffer.buffer("{\"data\":[],\"errors\":null}")))
                .isNull();
    }

    @Test
    void fieldErrorsAreAFailureNamingTheFirstError() {
        Buffer body = Buffer.buffer(
                "{\"data\":[{\"field\":\"item_live.f1\",\"value\":null}],\"errors\":[{\"code\":\"RESOLVER_FAILED\","
                        + "\"category\":\"FIELD\",\"feature\":\"item_live.f1\",\"message\":\"boom\"}],\"meta\":{}}");
        assertThat(ResponseCheck.problem(200, body)).isEqualTo("errors in response: RESOLVER_FAILED (item_live.f1)");
    }

    @Test
    void nonOkStatusIsAFailureWithTheProblemCode() {
        Buffer body = Buffer.buffer(
                "{\"type\":\"about:blank\",\"status\":400,\"code\":\"INVALID_QUERY\",\"detail\":\"unknown feature\"}");
        assertThat(ResponseCheck.problem(400, body)).isEqualTo("HTTP 400 INVALID_QUERY");
        assertThat(ResponseCheck.problem(503, Buffer.buffer("not json"))).isEqualTo("HTTP 503");
    }

    @Test
    void aStringValueThatMentionsErrorsDoesNotFoolTheCheck() {
        // inside a JSON string the quote is escaped, so the key pattern cannot occur there
        Buffer body = Buffer.buffer(
                "{\"data\":[{\"field\":\"x\",\"value\":\"\\\"errors\\\":[1]\"}],\"errors\":[],\"meta\":{}}");
        assertThat(ResponseCheck.problem(200, body)).isNull();
        Buffer failing = Buffer.buffer(
                "{\"data\":[{\"field\":\"x\",\"value\":\"\\\"errors\\\":[]\"}],\"errors\":[{\"code\":\"X\"}],\"meta\":{}}");
        assertThat(ResponseCheck.problem(200, failing)).startsWith("errors in response");
    }
}

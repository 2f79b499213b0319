package dev.slate.auth.keycloak;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Test helper: the parts of a compact JWS, decoded without verification. */
record Jwt(
        String encodedHeader,
        String encodedPayload,
        String encodedSignature,
        Map<String, Object> header,
        Map<String, Object> claims) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Jwt parse(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a compact JWS");
        }
        return new Jwt(parts[0], parts[1], parts[2], decode(parts[0]), decode(parts[1]));
    }

    byte[] signingInput() {
        return (encodedHeader + "." + encodedPayload).getBytes(StandardCharsets.US_ASCII);
    }

    byte[] signature() {
        return Base64.getUrlDecoder().decode(encodedSignature);
    }

    private static Map<String, Object> decode(String part) {
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(part), new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

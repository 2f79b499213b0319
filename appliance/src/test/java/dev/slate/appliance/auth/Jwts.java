package dev.slate.appliance.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Takes real tokens apart and forges bad ones (what an attacker can do without the realm's private key). */
final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private Jwts() {}

    static ObjectNode payload(String jwt) {
        return (ObjectNode) read(jwt.split("\\.")[1]);
    }

    static ObjectNode header(String jwt) {
        return (ObjectNode) read(jwt.split("\\.")[0]);
    }

    /** The token with its payload edited and the original signature kept. */
    static String withPayload(String jwt, Consumer<ObjectNode> edit) {
        String[] parts = jwt.split("\\.");
        ObjectNode payload = payload(jwt);
        edit.accept(payload);
        return parts[0] + "." + encode(payload) + "." + parts[2];
    }

    /** The token with one character of its signature changed. */
    static String tamperedSignature(String jwt) {
        String[] parts = jwt.split("\\.");
        char[] sig = parts[2].toCharArray();
        int i = sig.length / 2;
        sig[i] = sig[i] == 'A' ? 'B' : 'A';
        return parts[0] + "." + parts[1] + "." + new String(sig);
    }

    /** {@code alg: none}, no signature, with the payload edited. */
    static String unsigned(String jwt, Consumer<ObjectNode> edit) {
        ObjectNode header = JSON.createObjectNode().put("alg", "none").put("typ", "JWT");
        ObjectNode payload = payload(jwt);
        edit.accept(payload);
        return encode(header) + "." + encode(payload) + ".";
    }

    /** HS256 over the payload with a key of the attacker's choosing (the realm signs RS256 only). */
    static String hmacSigned(String jwt, String key) {
        ObjectNode header = header(jwt);
        header.put("alg", "HS256");
        String signingInput = encode(header) + "." + jwt.split("\\.")[1];
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "."
                    + ENCODE.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(JsonNode node) {
        return ENCODE.encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(String part) {
        try {
            return JSON.readTree(DECODE.decode(part));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.slate.control.secrets;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's AES-256-GCM keys: one current key that encrypts, and earlier keys that only decrypt
 * (rotation). Each key is known by an id derived from it ({@code k-} and 12 hex digits of a SHA-256 over
 * the key), stored beside every ciphertext so a rotation knows what to re-encrypt. The secret's name is
 * authenticated data: a ciphertext copied to another name does not decrypt. Nothing here logs, and no
 * exception message carries key material or plaintext.
 */
public final class SecretKeyRing {

    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;

    /** One key and its id. */
    record Key(String id, SecretKeySpec spec) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    /** A sealed value as it is stored. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
        public Sealed {
            requireNonNull(keyId, "keyId is null");
            nonce = nonce.clone();
            ciphertext = ciphertext.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }
    }

    /** The ring cannot do what was asked: no current key, an unknown key id, or a ciphertext that does not verify. */
    public static final class KeyRingException extends RuntimeException {
        KeyRingException(String message) {
            super(message, null, false, false);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<Key> current;
    private final Map<String, Key> byId;

    SecretKeyRing(Optional<Key> current, List<Key> previous) {
        this.current = current;
        Map<String, Key> keys = new LinkedHashMap<>();
        current.ifPresent(k -> keys.put(k.id(), k));
        previous.forEach(k -> keys.putIfAbsent(k.id(), k));
        this.byId = Map.copyOf(keys);
    }

    /** Reads the keys from configuration; a malformed key fails startup with a message that names the setting only. */
    public static SecretKeyRing from(SecretsConfig config) {
        Optional<Key> current = config.key()
                .filter(s -> !s.isBlank())
                .map(s -> key(s, "slate.secrets.key"))
                .or(() -> config.keyFile().map(SecretKeyRing::keyFromFile));
        List<Key> previous = new ArrayList<>();
        config.previousKeys()
                .ifPresent(list -> list.stream()
                        .filter(s -> !s.isBlank())
                        .forEach(s -> previous.add(key(s, "slate.secrets.previous-keys"))));
        return new SecretKeyRing(current, previous);
    }

    /** A new random key, base64: what an operator puts into {@code slate.secrets.key}. */
    public static String generateKey() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The id of the current key, if one is configured. */
    public Optional<String> currentKeyId() {
        return current.map(Key::id);
    }

    public boolean canDecrypt(String keyId) {
        return byId.containsKey(keyId);
    }

    public Sealed seal(String name, String value) {
        Key key = current.orElseThrow(
                () -> new KeyRingException(
                        "no encryption key is configured: set slate.secrets.key (base64 of 32 random bytes) or slate.secrets.key-file"));
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new Sealed(key.id(), nonce, cipher.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new KeyRingException(
                    "cannot encrypt secret '" + name + "': " + e.getClass().getSimpleName());
        }
    }

    public String open(String name, Sealed sealed) {
        Key key = byId.get(sealed.keyId());
        if (key == null) {
            throw new KeyRingException("secret '" + name + "' was encrypted with key " + sealed.keyId()
                    + ", which is neither slate.secrets.key nor one of slate.secrets.previous-keys");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new KeyRingException(
                    "secret '" + name + "' does not verify with key " + sealed.keyId() + " (tampered with, or moved)");
        } catch (GeneralSecurityException e) {
            throw new KeyRingException(
                    "cannot decrypt secret '" + name + "': " + e.getClass().getSimpleName());
        }
    }

    /**
     * Checks that {@code base64} is a usable key (base64 of 32 bytes).
     *
     * @throws IllegalStateException naming {@code setting}, never the key
     */
    public static void checkKey(String base64, String setting) {
        key(base64, setting);
    }

    static Key key(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not valid base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(
                    setting + " must be " + KEY_BYTES + " bytes (base64 of 32 random bytes), got " + bytes.length);
        }
        return new Key(keyId(bytes), new SecretKeySpec(bytes, "AES"));
    }

    private static Key keyFromFile(Path file) {
        try {
            return key(Files.readString(file, StandardCharsets.UTF_8), "slate.secrets.key-file (" + file + ")");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read slate.secrets.key-file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("slate-secret-key-id:".getBytes(StandardCharsets.US_ASCII));
            return "k-" + HexFormat.of().formatHex(sha.digest(key), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SecretKeyRing[current=" + currentKeyId().orElse("none") + ", keys=" + byId.keySet() + "]";
    }
}

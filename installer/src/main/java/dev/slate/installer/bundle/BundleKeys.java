package dev.slate.installer.bundle;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Ed25519 keys of the bundle signature in the PEM forms {@code openssl} reads and writes: a public key as
 * {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo), a private key as {@code -----BEGIN PRIVATE KEY-----}
 * (PKCS#8), e.g. from {@code openssl genpkey -algorithm ed25519}.
 */
public final class BundleKeys {
    static final String ALGORITHM = "Ed25519";

    private BundleKeys() {}

    /** @throws IllegalArgumentException when the text is not an Ed25519 public key in PEM (or bare base64 DER) */
    public static PublicKey publicKey(String pem) {
        byte[] der = der(pem, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 private key in PKCS#8 PEM */
    public static PrivateKey privateKey(String pem) {
        byte[] der = der(pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (PKCS#8)", e);
        }
    }

    public static String toPem(PublicKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    public static String toPem(PrivateKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** {@code SHA256:} and the hex SHA-256 of the key's DER encoding: what an operator compares out of band. */
    public static String fingerprint(PublicKey key) {
        try {
            return "SHA256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }

    private static byte[] der(String pem, String label) {
        String text = pem.strip();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        if (text.startsWith("-----BEGIN")) {
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            if (from != 0 || to < 0) {
                throw new IllegalArgumentException("expected a PEM block '" + begin + "'");
            }
            text = text.substring(begin.length(), to);
        }
        try {
            return Base64.getMimeDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + label.toLowerCase(Locale.ROOT) + " is not valid base64", e);
        }
    }
}

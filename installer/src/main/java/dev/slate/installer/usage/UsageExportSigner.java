package dev.slate.installer.usage;

import dev.slate.installer.bundle.BundleKeys;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Ed25519 signing and checking of usage export manifests (docs/specs/usage-records.md, "Signed export files"). */
public final class UsageExportSigner {
    private static final String ALGORITHM = "Ed25519";

    private UsageExportSigner() {}

    public static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JRE cannot make Ed25519 keys", e);
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK has no call for it, but its key generator draws exactly the
     * 32-byte private key from the random source: given the key's own bytes, it makes the same pair again.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        byte[] seed = ed.getBytes().orElseThrow();
        SecureRandom replay = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                if (bytes.length != seed.length) {
                    throw new IllegalStateException("unexpected draw of " + bytes.length + " bytes");
                }
                System.arraycopy(seed, 0, bytes, 0, seed.length);
            }
        };
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, replay);
            KeyPair pair = generator.generateKeyPair();
            byte[] again = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(again, seed)) {
                throw new IllegalStateException("the key generator did not replay the private key");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JRE cannot make Ed25519 keys", e);
        }
    }

    /** The base64 signature of {@code text}. */
    public static String sign(PrivateKey key, byte[] text) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(text);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** Whether {@code base64Signature} is {@code key}'s signature of {@code text}; false for malformed input. */
    public static boolean verify(PublicKey key, byte[] text, String base64Signature) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(text);
            return signature.verify(Base64.getDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The fingerprint an operator reads out to the vendor when the public key is pinned. */
    public static String fingerprint(PublicKey key) {
        return BundleKeys.fingerprint(key);
    }
}

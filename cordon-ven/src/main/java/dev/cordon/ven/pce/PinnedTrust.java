package dev.cordon.ven.pce;

import dev.cordon.policy.hash.Sha256;
import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust by certificate pinning. The PCE serves a self-signed certificate, so no CA can vouch for it; instead the
 * VEN trusts, on first use (activation), the certificate the PCE presents, stores its SHA-256 fingerprint, and from
 * then on accepts exactly that certificate and nothing else.
 *
 * <p>Before a pin is set the manager accepts any server certificate and records the leaf's fingerprint
 * ({@link #lastSeen()}); {@link #pin(String)} switches it to strict mode. It extends
 * {@link X509ExtendedTrustManager} on purpose: the JDK then calls it directly instead of wrapping it with hostname
 * checks, which a self-signed certificate for an arbitrary name would fail and which the exact pin makes redundant.
 */
final class PinnedTrust extends X509ExtendedTrustManager {
    private volatile String pinned;
    private volatile String lastSeen;

    PinnedTrust(String pinned) {
        this.pinned = normalise(pinned);
    }

    void pin(String sha256) {
        this.pinned = normalise(sha256);
    }

    String pinned() {
        return pinned;
    }

    /** The fingerprint of the last certificate a server presented, or null. */
    String lastSeen() {
        return lastSeen;
    }

    static String normalise(String fp) {
        return fp == null ? null : fp.replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** SHA-256 over the certificate's DER encoding, lower-case hex. */
    static String fingerprint(X509Certificate cert) {
        try {
            return Sha256.hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the PCE certificate", e);
        }
    }

    /** Raised when the PCE shows another certificate than the pinned one. */
    static final class PinMismatch extends CertificateException {
        PinMismatch(String message) {
            super(message);
        }
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("the PCE presented no certificate");
        String seen = fingerprint(chain[0]);
        lastSeen = seen;
        String pin = pinned;
        if (pin != null && !pin.equals(seen)) {
            throw new PinMismatch("the PCE presented a certificate with SHA-256 fingerprint " + seen
                    + ", but this VEN pinned " + pin + " at activation. If the PCE's certificate was replaced on"
                    + " purpose, unpair this VEN and activate it again; otherwise something is intercepting the"
                    + " connection.");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the VEN does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

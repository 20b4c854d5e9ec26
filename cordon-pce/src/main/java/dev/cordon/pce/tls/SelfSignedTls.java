package dev.cordon.pce.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PCE's TLS identity: on first start a self-signed certificate (EC P-256, ten years, SANs for localhost, the
 * loopback addresses, the machine's hostname and the listen host) is generated into {@code <data>/tls/}: a PKCS#12
 * keystore, its random password (mode 0600), and the certificate as PEM so clients can pin it
 * ({@code curl --cacert <data>/tls/pce-cert.pem}). Later starts reuse it.
 */
public final class SelfSignedTls {
    private final Path keystore;
    private final Path passwordFile;
    private final Path certificate;

    private SelfSignedTls(Path dir) {
        this.keystore = dir.resolve("pce.p12");
        this.passwordFile = dir.resolve("keystore-password");
        this.certificate = dir.resolve("pce-cert.pem");
    }

    /** Loads the identity in {@code <dataDir>/tls}, generating it first when absent. */
    public static SelfSignedTls ensure(Path dataDir, String listenHost, Clock clock) {
        Path dir = dataDir.resolve("tls");
        SelfSignedTls t = new SelfSignedTls(dir);
        if (Files.exists(t.keystore) && Files.exists(t.passwordFile)) return t;
        try {
            Files.createDirectories(dir);
            t.generate(listenHost, clock);
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("Cannot create the TLS certificate in " + dir + ": " + e.getMessage(), e);
        }
        return t;
    }

    public Path keystore() {
        return keystore;
    }

    public Path certificate() {
        return certificate;
    }

    public String password() {
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + passwordFile + ": " + e.getMessage(), e);
        }
    }

    private void generate(String listenHost, Clock clock)
            throws IOException, GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=cordon-pce");
        Date from = Date.from(clock.instant().minus(Duration.ofDays(1)));
        Date to = Date.from(clock.instant().plus(Duration.ofDays(3650)));
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                from, to, name, kp.getPublic());
        List<GeneralName> sans = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        try {
            sans.add(new GeneralName(GeneralName.dNSName, InetAddress.getLocalHost().getHostName()));
        } catch (IOException e) {
            // no resolvable hostname: localhost and the listen host still work
        }
        if (listenHost != null && !listenHost.isBlank() && !listenHost.equals("0.0.0.0") && !listenHost.equals("::")) {
            boolean ip = listenHost.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, listenHost));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        byte[] pw = new byte[18];
        new SecureRandom().nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        writePrivate(passwordFile, password);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("pce", kp.getPrivate(), password.toCharArray(), new Certificate[] {cert});
        try (OutputStream out = Files.newOutputStream(keystore)) {
            ks.store(out, password.toCharArray());
        }
        restrict(keystore);
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(cert);
        }
        Files.writeString(certificate, sw.toString());
    }

    private static void writePrivate(Path p, String text) throws IOException {
        Files.deleteIfExists(p);
        Files.createFile(p);
        restrict(p);
        Files.writeString(p, text);
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
    }

    /** Loads the keystore, e.g. to check it in tests. */
    public KeyStore load() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password().toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load " + keystore + ": " + e.getMessage(), e);
        }
    }
}

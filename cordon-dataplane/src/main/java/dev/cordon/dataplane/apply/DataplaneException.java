package dev.cordon.dataplane.apply;

/** The dataplane could not read or change the kernel's state; the message says what to do. */
public class DataplaneException extends RuntimeException {
    public DataplaneException(String message) {
        super(message);
    }
}

package org.peerkit.data;

/**
 * A problem with the data on disk (missing cache, corrupt archive, bad shard) that the user fixes
 * by running a command or deleting a file. The message always says which file and what to do.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

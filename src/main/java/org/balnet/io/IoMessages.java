package org.balnet.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason of an I/O error in words for the user. Java's file-system exceptions often carry only
 * the path as their message ({@code NoSuchFileException: /x/y}) and the reason in their class name;
 * printing either alone says nothing, and class names are not for users.
 */
public final class IoMessages {
    private IoMessages() {
    }

    /** E.g. "permission denied", "No space left on device", "not a directory". */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            if (reason != null && !reason.isBlank()) {
                return reason;
            }
            if (e instanceof NoSuchFileException) {
                return "no such file or directory";
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof NotDirectoryException) {
                return "not a directory";
            }
            if (e instanceof FileAlreadyExistsException) {
                return "a file of that name exists";
            }
            if (e instanceof DirectoryNotEmptyException) {
                return "directory not empty";
            }
        }
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : "input/output error";
    }
}

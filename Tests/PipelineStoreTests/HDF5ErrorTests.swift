import Foundation
import PipelineStore
import XCTest

final class HDF5ErrorTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(for: self)
    }

    func testTextFileIsNotHDF5AndOpeningItNamesThePath() throws {
        let path = directory + "/notes.txt"
        try "just some text\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertFalse(HDF5File.isHDF5(path))
        XCTAssertFalse(HDF5File.isHDF5(directory + "/missing.h5"))
        XCTAssertThrowsError(try HDF5File.open(path)) { error in
            let text = String(describing: error)
            XCTAssertTrue(error is HDF5Error)
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("not an HDF5 file"), text)
        }
        XCTAssertThrowsError(try HDF5File.open(directory + "/missing.h5")) { error in
            XCTAssertTrue(String(describing: error).contains("missing.h5"), "\(error)")
        }
    }

    func testMissingDatasetAndGroupThrowClearErrors() throws {
        let path = directory + "/small.h5"
        let root = try HDF5File.create(path).root
        _ = try root.createGroup("g")
        XCTAssertThrowsError(try root.dataset("g/absent")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(path) && text.contains("/g/absent") && text.contains("no dataset"), text)
        }
        XCTAssertThrowsError(try root.group("nope")) { error in
            XCTAssertTrue(String(describing: error).contains("no group named 'nope'"), "\(error)")
        }
        XCTAssertThrowsError(try root.dataset("g")) { error in
            XCTAssertTrue(String(describing: error).contains("is not a dataset"), "\(error)")
        }
        XCTAssertThrowsError(try root.createGroup("g")) { error in
            let error = error as? HDF5Error
            XCTAssertEqual(error?.operation, "H5Gcreate2")
            XCTAssertFalse(error?.hdf5Messages.isEmpty ?? true, "HDF5's own stack should be attached")
        }
        XCTAssertThrowsError(try root.createDataset("bad", shape: [2, 2], data: [Float(1)]))
    }

    func testHDF5DoesNotPrintToStderr() throws {
        // Provoke failures and check the stderr of a child process would stay silent: here we redirect our own
        // stderr to a pipe for the duration of the failing calls.
        let pipe = Pipe()
        let saved = dup(FileHandle.standardError.fileDescriptor)
        dup2(pipe.fileHandleForWriting.fileDescriptor, FileHandle.standardError.fileDescriptor)
        let directory = self.directory
        let provoke: @Sendable () -> Void = {
            _ = try? HDF5File.open(directory + "/missing.h5")
            _ = try? HDF5File.create(directory + "/x.h5").root.group("x").dataset("missing")
            _ = try? HDF5File.create(directory + "/y.h5").root.createGroup("a/b")
        }
        provoke()
        // HDF5's printing switch is per thread in thread-safe builds: check a fresh thread too.
        let done = DispatchSemaphore(value: 0)
        Thread { provoke(); done.signal() }.start()
        done.wait()
        dup2(saved, FileHandle.standardError.fileDescriptor)
        close(saved)
        try pipe.fileHandleForWriting.close()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(output, "")
    }
}

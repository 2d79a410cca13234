using System.Runtime.Versioning;

// The cluster lives on 127.0.0.1/.2/.3, which only Linux routes to loopback without setup, and its harness reads /proc.
[assembly: SupportedOSPlatform("linux")]

#ifndef PIPELINE_CMPI_SHIM_H
#define PIPELINE_CMPI_SHIM_H
#include <mpi.h>

/* OpenMPI's MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ... are macros over the addresses of global structs
   (`&ompi_mpi_comm_world`), which Swift cannot import; each handle the Swift layer needs is returned by a
   tiny inline function instead. */

static inline MPI_Comm pl_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype pl_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype pl_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype pl_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op pl_mpi_sum(void) { return MPI_SUM; }
static inline int pl_mpi_success(void) { return MPI_SUCCESS; }

#endif

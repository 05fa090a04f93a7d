// PipelineStore

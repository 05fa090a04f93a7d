// PipelineRun

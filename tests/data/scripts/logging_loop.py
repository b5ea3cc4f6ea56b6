"""A training loop as in course notes: a model class, logging every 10 epochs, evaluation after the loop."""
import torch
import torch.nn as nn


class Line(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([[0.5]]))
        self.b = nn.Parameter(torch.tensor([0.0]))

    def forward(self, x):
        return x @ self.w + self.b


def main():
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    y = torch.tensor([[2.9], [5.1], [7.0], [8.8]])
    model = Line()
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    history = []
    for epoch in range(40):
        pred = model(x)
        loss = torch.mean((pred - y) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
        if epoch % 10 == 0:
            with torch.no_grad():
                error = (pred - y).abs().max()
            print(f"epoch {epoch}: loss {loss.item():.4f}, max error {error.item():.3f}")
    with torch.no_grad():
        test = model(torch.tensor([[5.0]]))
    print("prediction for 5:", test.item())
    return model, loss


if __name__ == "__main__":
    model, final_loss = main()
